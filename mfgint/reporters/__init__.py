"""Reporters: a name -> class registry; ``--format`` choices come from its keys."""

from __future__ import annotations

from mfgint.reporters.base import Report, Reporter
from mfgint.reporters.github import GithubReporter
from mfgint.reporters.json_report import JsonReporter
from mfgint.reporters.junit import JunitReporter
from mfgint.reporters.sarif import SarifReporter
from mfgint.reporters.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    r.name: r for r in (TextReporter, JsonReporter, SarifReporter, JunitReporter, GithubReporter)
}

__all__ = ["REPORTERS", "Report", "Reporter"]
