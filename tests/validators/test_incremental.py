"""Scoped rules reuse earlier findings only when a cold run would report the same.

Every case of a rule that declares a scope is laid out one document per file. For each of the
case's documents, the landscape is first validated without that document (or with the base
landscape's version of it) to fill the cache, then validated again with it: the second,
incremental run must report exactly what a run without cache reports. A rule that reads a kind
it does not declare keeps a stale finding (or misses one) here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from mfgint.compiler.cache import SpecCache
from mfgint.config import Config
from mfgint.diagnostics import Diagnostic
from mfgint.pipeline import validate
from mfgint.validators.cases import Case, all_case_codes, base_specs, cases_for
from mfgint.validators.engine import Selection
from mfgint.validators.registry import default_registry

Ident = tuple[str, str]


def _ident(doc: object) -> Ident | None:
    if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict):
        return str(doc.get("kind")), str(doc["metadata"].get("name"))
    return None


def _chunks(text: str) -> list[str]:
    return [c.strip("\n") + "\n" for c in text.split("\n---\n") if c.strip()]


def _layout(case: Case) -> tuple[str, list[tuple[str, str | None]]]:
    """The base file's text, and per case document its text and the base version it replaces."""
    docs = _chunks(case.specs)
    idents = [_ident(yaml.safe_load(d)) for d in docs]
    base: dict[Ident | None, str] = {}
    kept: list[str] = []
    if case.base:
        for chunk in _chunks(base_specs()):
            ident = _ident(yaml.safe_load(chunk))
            if ident in idents:
                base[ident] = chunk
            else:
                kept.append(chunk)
    return "---\n".join(kept), [(d, base.get(i)) for d, i in zip(docs, idents, strict=True)]


def _write(folder: Path, base: str, docs: list[str | None]) -> None:
    if base:
        (folder / "base.yaml").write_text(base, encoding="utf-8")
    for i, text in enumerate(docs):
        path = folder / f"doc-{i:02d}.yaml"
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")


def _run(case: Case, folder: Path, cache_dir: Path | None) -> tuple[list[str], int]:
    config = Config(root=folder, options={case.rule: case.options} if case.options else {})
    cache = SpecCache(cache_dir, folder) if cache_dir is not None else None
    run = validate(
        [folder],
        config=config,
        selection=Selection(),
        today=dt.date.fromisoformat(case.today),
        cache=cache,
    )
    return [_key(d, folder) for d in run.outcome.diagnostics], run.reused


def _key(d: Diagnostic, folder: Path) -> str:
    """Everything a finding says, with the folder taken out of its file names."""
    fields = (d.code, d.severity, d.span, d.message, d.hint, d.related, d.resource, d.anchor)
    return repr(fields).replace(str(folder), "<specs>")


SCOPED = {r.code for r in default_registry() if r.scope is not None}
CASES = [(code, case) for code in all_case_codes() if code in SCOPED for case in cases_for(code)]


def test_scoped_rules_exist() -> None:
    """The rules that dominate a large run declare a scope (else nothing is reused)."""
    assert {"SEC005", "LIF002", "OWN006"} <= SCOPED


@pytest.mark.parametrize(
    ("code", "case"), CASES, ids=[f"{code}-{case.name}" for code, case in CASES]
)
def test_incremental_equals_cold(code: str, case: Case, tmp_path: Path) -> None:
    """Adding, changing or removing any one document: cached run == run without cache."""
    base, docs = _layout(case)
    full: list[str | None] = [d for d, _ in docs]
    cold_dir = tmp_path / "cold"
    cold_dir.mkdir()
    _write(cold_dir, base, full)
    expected, _ = _run(case, cold_dir, None)
    reused_total = 0
    for i, (_, before) in enumerate(docs):
        folder = tmp_path / f"step-{i}"
        folder.mkdir()
        cache_dir = tmp_path / f"cache-{i}"
        _write(folder, base, [before if j == i else d for j, d in enumerate(full)])
        _run(case, folder, cache_dir)
        _write(folder, base, full)
        got, reused = _run(case, folder, cache_dir)
        reused_total += reused
        assert got == expected, f"after changing doc {i} of the case"
        # And back: the earlier state, from a cache filled with the full case.
        _write(folder, base, [before if j == i else d for j, d in enumerate(full)])
        back, _ = _run(case, folder, cache_dir)
        fresh, _ = _run(case, folder, None)
        assert back == fresh, f"after reverting doc {i} of the case"
    if len(docs) > 1 or base:
        assert reused_total > 0, "nothing was reused: the scope buys nothing here"
