"""Diagnostics: what every stage reports, with a span into the spec text."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field, replace


class Severity(enum.IntEnum):
    """How serious a finding is; the order drives ``--fail-on``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """Lower-case name used in every output format."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Parse ``error`` / ``warning`` / ``info`` (case-insensitive)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: use error, warning or info") from None


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A 1-based region of a spec file: start line/col to end line/col."""

    file: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (the first declaration of a duplicate, ...)."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """The resource a finding is about: kind, name and, for blueprint expansions, the plant."""

    kind: str
    name: str
    plant: str | None = None
    blueprint: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}"


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is waived: the Waiver's name, reason, approver and expiry."""

    waiver: str
    reason: str
    approver: str
    expires: str
    span: Span


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a stable code, a severity, a message, where, and how to fix it."""

    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None
    related: tuple[Related, ...] = ()
    resource: ResourceRef | None = None
    suppression: Suppression | None = None
    anchor: str = ""
    baselined: bool = field(default=False, compare=False)

    @property
    def waived(self) -> bool:
        """True when a Waiver in force covers this finding."""
        return self.suppression is not None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Stable order: file, line, column, code, message."""
        return (self.span.file, self.span.line, self.span.col, self.code, self.message)

    def fingerprint(self) -> str:
        """Identity that survives line shifts: code, file, resource and anchor, not line numbers."""
        who = str(self.resource) if self.resource else ""
        plant = self.resource.plant or "" if self.resource else ""
        basis = "\x1f".join((self.code, self.span.file, who, plant, self.anchor, self.message))
        return hashlib.sha256(basis.encode()).hexdigest()[:32]

    def with_severity(self, severity: Severity) -> Diagnostic:
        """Copy with another severity (configuration overrides)."""
        return replace(self, severity=severity)


def sort_diagnostics(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Deterministic report order, duplicates removed."""
    seen: set[tuple[object, ...]] = set()
    out: list[Diagnostic] = []
    for d in sorted(diags, key=lambda d: d.sort_key):
        key = (d.code, d.span, d.message, d.resource)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
