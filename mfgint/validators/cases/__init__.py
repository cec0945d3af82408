"""Rule cases as data: pass / fail spec snippets per rule, used by tests and ``explain``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

BASE_FILE = "_base.yaml"


@dataclass(frozen=True)
class Expectation:
    """A finding a case must produce: code and 1-based line in the case's specs."""

    code: str
    line: int


@dataclass(frozen=True)
class Case:
    """One pass or fail case for a rule."""

    rule: str
    name: str
    specs: str
    expect: tuple[Expectation, ...]
    example: str | None = None  # "bad" or "good": shown by `mfgint explain`
    base: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    today: str = "2026-11-28"


@cache
def base_specs() -> str:
    """The small clean landscape every case is added to (unless it opts out)."""
    return resources.files(__package__).joinpath(BASE_FILE).read_text("utf-8")


@cache
def cases_for(code: str) -> tuple[Case, ...]:
    """The cases of one rule; empty when the rule has no case file."""
    ref = resources.files(__package__).joinpath(f"{code}.yaml")
    if not ref.is_file():
        return ()
    data = yaml.safe_load(ref.read_text("utf-8"))
    out = []
    for item in data.get("cases") or []:
        out.append(
            Case(
                rule=data["rule"],
                name=item["name"],
                specs=item["specs"],
                expect=tuple(
                    Expectation(e["code"], int(e["line"])) for e in item.get("expect") or []
                ),
                example=item.get("example"),
                base=bool(item.get("base", True)),
                options=dict(item.get("options") or {}),
                today=str(item.get("today", "2026-11-28")),
            )
        )
    return tuple(out)


def all_case_codes() -> list[str]:
    """Codes that have a case file."""
    root = resources.files(__package__)
    return sorted(
        p.name.removesuffix(".yaml")
        for p in root.iterdir()
        if p.name.endswith(".yaml") and not p.name.startswith("_")
    )


def example(code: str, kind: str) -> Case | None:
    """The case marked ``example: bad`` or ``example: good`` for a rule."""
    return next((c for c in cases_for(code) if c.example == kind), None)
