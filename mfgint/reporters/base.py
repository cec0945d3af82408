"""The report every reporter renders, and the reporter interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from mfgint import __version__
from mfgint.compiler.model import Model
from mfgint.compiler.source import SourceFile
from mfgint.diagnostics import Diagnostic, ResourceRef, Severity, Span
from mfgint.validators.registry import Registry


@dataclass(frozen=True)
class CheckedResource:
    """A resource (or a file that yielded none) that the run checked: one JUnit testcase each."""

    ref: ResourceRef | None
    file: str
    span: Span


@dataclass(frozen=True)
class Report:
    """Everything a reporter needs; reporters never recompute findings."""

    diagnostics: tuple[Diagnostic, ...]
    registry: Registry
    sources: Mapping[str, SourceFile]
    checked: tuple[CheckedResource, ...]
    file_count: int
    fail_on: Severity | None = Severity.ERROR
    baselined: int = 0
    color: bool = False
    tool_version: str = __version__

    def counts(self) -> dict[str, int]:
        """Findings per severity label, and waived ones apart."""
        out = {"error": 0, "warning": 0, "info": 0, "waived": 0}
        for d in self.diagnostics:
            out["waived" if d.waived else d.severity.label] += 1
        return out


class Reporter(ABC):
    """Renders a Report as text in one format."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    extension: ClassVar[str] = ".txt"
    # Listing every checked resource costs time on large landscapes; only some formats use it.
    needs_checked: ClassVar[bool] = False

    @abstractmethod
    def render(self, report: Report) -> str:
        """The whole output as a string (written to stdout or --output)."""


def checked_resources(
    model: Model, sources: Iterable[SourceFile], diags: Iterable[Diagnostic]
) -> tuple[CheckedResource, ...]:
    """Every resource in the model, plus resources and files known only from diagnostics."""
    seen: set[tuple[str, str | None]] = set()
    out: list[CheckedResource] = []
    for res in model.all_resources():
        out.append(CheckedResource(res.ref, res.src.path, res.span))
        seen.add((res.src.path, str(res.ref)))
    files_with_resources = {c.file for c in out}
    for d in diags:
        key = (d.span.file, str(d.resource) if d.resource else None)
        if key in seen:
            continue
        if d.resource is None and d.span.file in files_with_resources:
            continue
        seen.add(key)
        out.append(CheckedResource(d.resource, d.span.file, d.span))
    for src in sources:
        if src.path not in files_with_resources and (src.path, None) not in seen:
            seen.add((src.path, None))
            out.append(CheckedResource(None, src.path, Span(src.path, 1, 1, 1, 1)))
    out.sort(key=lambda c: (c.file, c.span.line, str(c.ref)))
    return tuple(out)
