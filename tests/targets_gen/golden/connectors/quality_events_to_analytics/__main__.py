"""Run flow quality-events-to-analytics once: python -m quality_events_to_analytics run|reconc..."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from quality_events_to_analytics.base import QualityEventsToAnalyticsSettings
from quality_events_to_analytics.connector import QualityEventsToAnalyticsConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "quality_events_to_analytics",
        __doc__,
        QualityEventsToAnalyticsSettings.from_env,
        QualityEventsToAnalyticsConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
