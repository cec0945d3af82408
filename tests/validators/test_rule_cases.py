"""Every rule's pass / fail cases, run as data through the real pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from mfgint.config import Config
from mfgint.pipeline import validate
from mfgint.validators.cases import Case, all_case_codes, base_specs, cases_for
from mfgint.validators.engine import Selection
from mfgint.validators.registry import default_registry

STRUCTURAL = ("YML", "SCH", "REF")


def _identity(doc: object) -> tuple[str, str] | None:
    if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict):
        return str(doc.get("kind")), str(doc["metadata"].get("name"))
    return None


def _materialise(case: Case, folder: Path) -> Path:
    """Write base + case specs into ``folder``; case documents replace base ones by kind/name."""
    case_ids = {_identity(d) for d in yaml.safe_load_all(case.specs)}
    if case.base:
        kept = []
        for chunk in base_specs().split("\n---\n"):
            ident = _identity(yaml.safe_load(chunk))
            if ident not in case_ids:
                kept.append(chunk.strip("\n"))
        (folder / "base.yaml").write_text("\n---\n".join(kept) + "\n", encoding="utf-8")
    target = folder / "case.yaml"
    target.write_text(case.specs, encoding="utf-8")
    return target


def _run(case: Case, folder: Path) -> list[tuple[str, int, str, str]]:
    _materialise(case, folder)
    config = Config(root=folder, options={case.rule: case.options} if case.options else {})
    run = validate(
        [folder],
        config=config,
        selection=Selection(),
        today=dt.date.fromisoformat(case.today),
    )
    return [
        (d.code, d.span.line, Path(d.span.file).name, d.message)
        for d in run.outcome.diagnostics
        if not d.waived
    ]


ALL_CASES = [(code, case) for code in all_case_codes() for case in cases_for(code)]


@pytest.mark.parametrize(
    ("code", "case"), ALL_CASES, ids=[f"{code}-{case.name}" for code, case in ALL_CASES]
)
def test_rule_case(code: str, case: Case, tmp_path: Path) -> None:
    """The case yields exactly the expected findings of its rule, and no structural errors."""
    found = _run(case, tmp_path)
    structural = [f for f in found if f[0].startswith(STRUCTURAL)]
    assert not structural, f"case is not structurally valid: {structural}"
    got = sorted((c, line) for c, line, file, _ in found if c == code and file == "case.yaml")
    expected = sorted((e.code, e.line) for e in case.expect if e.code == code)
    assert got == expected, f"all findings: {found}"
    others = sorted((c, line) for c, line, file, _ in found if c != code)
    expected_others = sorted((e.code, e.line) for e in case.expect if e.code != code)
    assert others == expected_others, f"unexpected other findings: {found}"


def test_base_landscape_is_clean(tmp_path: Path) -> None:
    """The shared base landscape produces no finding at all."""
    (tmp_path / "base.yaml").write_text(base_specs(), encoding="utf-8")
    run = validate([tmp_path], config=Config(root=tmp_path), today=dt.date(2026, 11, 28))
    assert [str(d.span) + " " + d.code + " " + d.message for d in run.outcome.diagnostics] == []


def test_every_rule_has_cases_and_examples() -> None:
    """Each rule with a check has a case file with a failing and a passing example."""
    missing = []
    for rule in default_registry():
        if rule.check is None:
            continue
        cases = cases_for(rule.code)
        kinds = {c.example for c in cases}
        if not cases or not {"bad", "good"} <= kinds:
            missing.append(rule.code)
        bad = [c for c in cases if c.example == "bad"]
        if bad and not any(e.code == rule.code for e in bad[0].expect):
            missing.append(f"{rule.code} (bad example expects no {rule.code})")
    assert missing == []
