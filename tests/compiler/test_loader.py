"""Loader: spans, YAML 1.1 traps, safety limits and file discovery."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mfgint.compiler.loader import discover, glob_to_regex, load, parse_source, read_source
from mfgint.compiler.source import SourceFile, key_pos, locate, subtree


def parse(text: str) -> tuple[list[object], list[tuple[str, str, str | None]]]:
    docs, diags = parse_source(SourceFile("t.yaml", text))
    return [d.data for d in docs], [(d.code, str(d.span), d.hint) for d in diags]


def tree_of(text: str) -> object:
    source = SourceFile("t.yaml", text)
    docs, _ = parse_source(source)
    return docs[0].tree


def test_positions_of_keys_values_and_items() -> None:
    text = "a: 1\nb:\n  - x\n  - {c: 2}\nd: 2026-01-01\n"
    (data,), diags = parse(text)
    assert diags == []
    assert type(data) is dict and type(data["b"]) is list  # type: ignore[index]
    tree = tree_of(text)
    assert locate(tree, ("a",))[:2] == (0, 3)
    assert key_pos(tree, ("b",))[:2] == (1, 0)
    assert locate(tree, ("b", 1, "c"))[:2] == (3, 8)
    assert locate(subtree(tree, ("b", 1)), ("c",))[:2] == (3, 8)
    assert data["d"] == "2026-01-01", "dates stay strings"  # type: ignore[index]


def test_locate_falls_back_to_nearest_ancestor() -> None:
    tree = tree_of("spec:\n  retry: {max: 1}\n")
    assert locate(tree, ("spec", "missing", "deeper"))[:2] == locate(tree, ("spec",))[:2]


def test_multi_document_and_merge_keys() -> None:
    docs, diags = parse("x: &x {a: 1}\ny:\n  <<: *x\n  b: 2\n---\nz: 3\n")
    assert diags == []
    assert docs[0]["y"] == {"a": 1, "b": 2}  # type: ignore[index]
    assert docs[1] == {"z": 3}


def test_duplicate_key_reported_with_first_place() -> None:
    docs, diags = parse_source(SourceFile("t.yaml", "a: 1\nb: 2\na: 3\n"))
    (d,) = diags
    assert (d.code, str(d.span)) == ("YML002", "t.yaml:3:1")
    assert str(d.related[0].span) == "t.yaml:1:1"
    assert docs[0].data["a"] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("NO: norway\n", 'quote it: "NO"'), ("1.10: x\n", 'quote it: "1.10"')],
)
def test_non_string_keys_are_traps(text: str, expected: str) -> None:
    _, diags = parse(text)
    assert diags == [("YML003", "t.yaml:1:1", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo hi']\n",
        "a: !!set {x}\n",
        "a: !custom x\n",
        "a: !!binary aGVsbG8=\n",
    ],
)
def test_tags_never_construct_objects(text: str) -> None:
    docs, diags = parse(text)
    assert docs == []
    assert diags[0][0] == "YML004"


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    start = time.perf_counter()
    docs, diags = parse("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 2
    assert docs == [] and diags[0][0] == "YML005"


def test_recursive_alias_is_refused() -> None:
    _, diags = parse("a: &a [1, *a]\n")
    assert diags[0][0] == "YML005"


def test_small_aliases_are_fine() -> None:
    (data,), diags = parse("d: &d {retry: 3}\nx: *d\n")
    assert diags == [] and data == {"d": {"retry": 3}, "x": {"retry": 3}}


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        "".join("  " * i + "- \n" for i in range(3000)),
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 1500)),
    ],
    ids=["flow", "block-seq", "block-map"],
)
def test_deep_nesting_is_refused_without_crashing(text: str) -> None:
    start = time.perf_counter()
    docs, diags = parse(text)
    assert time.perf_counter() - start < 5
    assert docs == [] and diags[0][0] in ("YML006", "YML001")


def test_huge_integer_is_reported_not_converted() -> None:
    _, diags = parse("a: " + "9" * 10_000 + "\n")
    assert diags[0][0] == "YML010"


def test_syntax_error_position_and_tab_hint() -> None:
    _, diags = parse("a:\n\tb: 1\n")
    assert diags == [("YML001", "t.yaml:2:1", "indent with spaces, not tabs")]


def test_binary_and_non_utf8_files(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"a: 1\x00\x01\x02")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: caf\xe9\n")
    src, diags = read_source(binary, "bin.yaml")
    assert src is None and diags[0].code == "YML007"
    src, diags = read_source(latin, "latin.yaml")
    assert src is None and diags[0].code == "YML007" and str(diags[0].span) == "latin.yaml:1:10"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    f = tmp_path / "bom.yaml"
    f.write_bytes(b"\xef\xbb\xbfa: 1\n")
    src, diags = read_source(f, "bom.yaml")
    assert diags == [] and src is not None and src.text == "a: 1\n"


def test_discover_is_sorted_filters_and_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.yaml").write_text("a: 1\n")
    (tmp_path / "b" / "c.yml").write_text("c: 1\n")
    (tmp_path / "b" / "notes.txt").write_text("x")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "d.yaml").write_text("d: 1\n")
    os.symlink(tmp_path, tmp_path / "b" / "loop")
    files, diags = discover([tmp_path], exclude=("drafts/**",))
    names = [p.name for p, _ in files]
    assert names == ["a.yaml", "c.yml"]
    assert any(d.code == "YML009" and "loop" in d.message for d in diags)


def test_missing_path_is_a_diagnostic(tmp_path: Path) -> None:
    files, diags = discover([tmp_path / "nope"])
    assert files == [] and diags[0].code == "YML009"


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: [\n")
    (tmp_path / "b.yaml").write_text("b: 1\n")
    files, _ = discover([tmp_path])
    result = load(files)
    assert [d.data for d in result.documents] == [{"b": 1}]
    assert [d.code for d in result.diagnostics] == ["YML001"]


@pytest.mark.parametrize(
    ("glob", "path", "hit"),
    [
        ("**/*.yaml", "a.yaml", True),
        ("**/*.yaml", "x/y/a.yaml", True),
        ("drafts/**", "drafts/a/b.yaml", True),
        ("*.yaml", "x/a.yaml", False),
        ("flows/?.yaml", "flows/a.yaml", True),
    ],
)
def test_globs(glob: str, path: str, hit: bool) -> None:
    import re

    assert (re.fullmatch(glob_to_regex(glob), path) is not None) is hit


def test_discovered_files_are_shown_as_display_path_shows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """discover() names files exactly as display_path() would, inside and outside the cwd."""
    from mfgint.compiler.loader import discover, display_path

    inside = tmp_path / "work" / "specs"
    outside = tmp_path / "elsewhere"
    for folder in (inside / "flows", outside):
        folder.mkdir(parents=True)
        (folder / "a.yaml").write_text("kind: Team\n", encoding="utf-8")
    (inside / "linked").symlink_to(outside)
    for cwd in (tmp_path / "work", Path("/")):
        monkeypatch.chdir(cwd)
        files, _ = discover([inside, outside])
        assert [shown for _, shown in files] == sorted(display_path(p) for p, _ in files)
        assert files
