"""The cache of checked files: same results as a cold run, invalidated by content."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from mfgint.compiler.cache import SpecCache
from mfgint.config import Config, find_config, load_config
from mfgint.pipeline import validate

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 28)


def run(specs: Path, cache: SpecCache | None) -> list[tuple[object, ...]]:
    config = load_config(find_config([specs]), specs)
    result = validate([specs], config=config, today=TODAY, cache=cache)
    return [
        (d.code, d.severity, d.message, d.span, d.hint, d.related, d.resource, d.waived)
        for d in result.outcome.diagnostics
    ]


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    target = tmp_path / "specs"
    shutil.copytree(REPO / "specs" / "examples", target)
    for f in (REPO / "tests" / "fixtures" / "broken").iterdir():
        (target / f"broken-{f.name}").write_bytes(f.read_bytes())
    return target


def test_cached_runs_report_exactly_what_cold_runs_report(specs: Path, tmp_path: Path) -> None:
    cold = run(specs, None)
    assert cold, "the fixture has findings"
    cache_dir = tmp_path / "cache"
    first = run(specs, SpecCache(cache_dir, specs))
    warm_cache = SpecCache(cache_dir, specs)
    second = run(specs, warm_cache)
    assert first == cold
    assert second == cold
    assert warm_cache.hits > 20


def test_editing_one_file_invalidates_only_that_file(specs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    run(specs, SpecCache(cache_dir, specs))
    flows = specs / "flows" / "quality.yaml"
    flows.write_text(flows.read_text(encoding="utf-8").replace("tier-2", "tier-9", 1))
    cache = SpecCache(cache_dir, specs)
    warm = run(specs, cache)
    total = len(list(specs.rglob("*.yaml"))) - 1  # mfgint.yaml is configuration, not a spec
    assert cache.hits == total - 1
    assert warm == run(specs, None)
    assert any(code == "SCH001" and "tier-9" in str(msg) for code, _, msg, *_ in warm)


def test_positions_come_back_from_the_cache(specs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    run(specs, SpecCache(cache_dir, specs))
    shutil.rmtree(cache_dir / "trees")  # trees vanished: positions are parsed again on demand
    assert run(specs, SpecCache(cache_dir, specs)) == run(specs, None)


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01not marshal", b"\xe3" * 100])
def test_a_corrupt_cache_is_ignored(specs: Path, tmp_path: Path, garbage: bytes) -> None:
    cache_dir = tmp_path / "cache"
    cache = SpecCache(cache_dir, specs)
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_bytes(garbage)
    assert run(specs, SpecCache(cache_dir, specs)) == run(specs, None)


def test_config_changes_do_not_need_the_cache_cleared(specs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    before = run(specs, SpecCache(cache_dir, specs))
    config = Config(root=specs, select=("SCH",), exclude=("schemas/**",))
    result = validate([specs], config=config, today=TODAY, cache=SpecCache(cache_dir, specs))
    assert {d.code[:3] for d in result.outcome.diagnostics} <= {"SCH", "YML", "REF"}
    assert len(result.outcome.diagnostics) < len(before)


def test_corrupt_entries_are_ignored(specs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    run(specs, SpecCache(cache_dir, specs))
    entries = list((cache_dir / "files").iterdir())
    assert entries
    for i, entry in enumerate(entries):
        entry.write_bytes(b"" if i % 2 else entry.read_bytes()[:-7])
    cache = SpecCache(cache_dir, specs)
    assert run(specs, cache) == run(specs, None)
    assert cache.hits == 0


def test_edits_replace_entries_instead_of_piling_them_up(specs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    run(specs, SpecCache(cache_dir, specs))
    count = len(list((cache_dir / "files").iterdir()))
    flows = specs / "flows" / "quality.yaml"
    for i in range(3):
        flows.write_text(flows.read_text(encoding="utf-8") + f"# edit {i}\n", encoding="utf-8")
        run(specs, SpecCache(cache_dir, specs))
    assert len(list((cache_dir / "files").iterdir())) == count


def test_a_schema_broken_after_a_cached_run_is_reported(specs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    run(specs, SpecCache(cache_dir, specs))
    schema = specs / "schemas" / "work-order" / "2.0.schema.json"
    schema.write_text('{"type": 12}', encoding="utf-8")
    warm = run(specs, SpecCache(cache_dir, specs))
    assert warm == run(specs, None)
    broken = [msg for code, _, msg, *_ in warm if code == "REF004"]
    assert any("not a valid JSON Schema" in str(msg) for msg in broken)


def test_compiled_checks_kept_in_the_cache_check_the_same(tmp_path: Path) -> None:
    """A schema check read back from the cache folder is fastjsonschema's own, by name."""
    import copy

    import fastjsonschema

    from mfgint.compiler import check
    from mfgint.schemas import KINDS, load_schema

    for kind in KINDS:
        schema = copy.deepcopy(load_schema(kind))
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        reference = fastjsonschema.compile(copy.deepcopy(schema), use_default=False)
        check.keep_compiled_checks(tmp_path)
        try:
            written = check._compiled(kind, copy.deepcopy(schema))
            read_back = check._compiled(kind, copy.deepcopy(schema))
        finally:
            check.keep_compiled_checks(None)
        assert written.__name__ == read_back.__name__ == reference.__name__
        with pytest.raises(fastjsonschema.JsonSchemaValueException):
            read_back({"apiVersion": "mfgint/v1", "kind": kind})
    assert len(list(tmp_path.glob("*.check"))) == len(KINDS)
