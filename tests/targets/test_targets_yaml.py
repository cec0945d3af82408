"""The fast YAML emitter behind ``to_yaml`` writes exactly what PyYAML's dumper writes."""

from __future__ import annotations

import gc
import random
from typing import Any

import pytest
import yaml

from mfgint.targets import env
from mfgint.targets.env import LazyList, to_yaml

# Characters that change how PyYAML quotes or breaks a scalar: indicators, spaces, line breaks,
# quotes, escapes, non-ASCII letters, a BOM, a lone surrogate, a tab, control characters.
TRICKY = [
    *list("ab -:#?,[]{}&*!|>'\"%@`.~=<+0123456789\n\t\r\\\x00\x07\x85\xa0\u2028\ufeff"),
    "é",
    "ł",
    "日",
    "😀",
    "�",
    "  ",
    ": ",
    " #",
    "---",
    "...",
    "yes",
    "No",
    "null",
    "~",
    "1.5",
    "0x1f",
    "2026-11-28",
    "1_000",
    ".inf",
    "=",
    "<<",
    "true",
    "x" * 50,
]
ONE_LINE = [c for c in TRICKY if not any(b in c for b in "\n\r\x85\u2028")]
WORDS = [
    "mfgint",
    "owner:team-erp",
    "plant:lyon",
    "Flow x is late",
    "a: b",
    "#tag",
    "- item",
    "it's",
    "",
    " lead",
    "trail ",
    "line1\nline2",
    "line1\nline2\n",
    "\nlead",
    "x\n\n",
    "tab\there",
    "sp \nbreak",
    "é-accent",
    "{{ $value | humanizePercentage }}",
    'sum(rate(x{flow="a"}[5m]))\n/\n  sum(rate(x[5m]))\n',
    "../runbooks/a.md#x",
]


def _scalar(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(WORDS)
    if roll < 0.8:
        return "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 8)))
    if roll < 0.85:
        return rng.randint(-(10**6), 10**6)
    if roll < 0.9:
        return rng.choice([0.5, -1.25, 1e17, 1e-7, float("inf"), -float("inf"), 3.0])
    if roll < 0.95:
        return rng.choice([True, False, None])
    return "w" * rng.randint(100, 5000) + rng.choice(["", " x", ": y", "\nz"])


def _key(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(
            [
                "name",
                "tags",
                "a b",
                "x: y",
                "'q'",
                "yes",
                "200",
                "-",
                "?",
                "é",
                "$ref",
                "#/c",
                "on",
                "key" * rng.randint(1, 50),
                " k",
                "k ",
            ]
        )
    if roll < 0.9:
        return "".join(rng.choice(ONE_LINE) for _ in range(rng.randint(1, 6)))
    if roll < 0.95:
        return rng.choice([200, -1, True, None])
    return rng.choice(["", "multi\nline", "k" * 130, 1.5, "tab\tkey", "\x85"])


def _node(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 4 or roll < 0.5:
        return _scalar(rng)
    if roll < 0.75:
        return {_key(rng): _node(rng, depth + 1) for _ in range(rng.randint(0, 5))}
    items = [_node(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    return tuple(items) if roll < 0.8 else items


def _pyyaml(data: Any, sort_keys: bool = False) -> str:
    text: str = yaml.dump(
        data,
        Dumper=env._Dumper,
        sort_keys=sort_keys,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
        indent=2,
        line_break="\n",
    )
    return text


@pytest.mark.parametrize("seed", range(40))
def test_random_documents_match_pyyaml_byte_for_byte(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        doc = {_key(rng): _node(rng, 0) for _ in range(rng.randint(1, 6))}
        if rng.random() < 0.2:
            doc = [_node(rng, 1) for _ in range(rng.randint(1, 4))]  # type: ignore[assignment]
        for sort_keys in (False, True):
            assert to_yaml(doc, sort_keys) == _pyyaml(doc, sort_keys), repr(doc)


def test_fast_path_is_taken_for_ordinary_documents() -> None:
    doc = {
        "groups": [
            {
                "name": "g",
                "rules": [
                    {"alert": "A", "expr": "up == 0\n", "for": "2m", "labels": {"severity": "page"}}
                ],
            }
        ]
    }
    assert env._FastEmitter(False).document(doc) == _pyyaml(doc)


@pytest.mark.parametrize(
    "doc",
    [{}, [], "text", 3, {("a", "b"): 1}, {1.5: "x"}, {"k" * 200: "long key"}, {"multi\nline": 1}],
)
def test_unusual_documents_fall_back_to_pyyaml(doc: Any) -> None:
    assert to_yaml(doc) == _pyyaml(env._plain(doc))


def test_block_scalars_keep_the_document_open_ended_like_pyyaml() -> None:
    doc = {"a": "kept\n\n"}
    assert to_yaml(doc) == _pyyaml(doc)
    assert to_yaml(doc).endswith("...\n")


def test_lazy_lists_are_dumped_as_the_lists_they_make() -> None:
    made: list[int] = []

    def groups() -> Any:
        for i in range(3):
            made.append(i)
            yield {"name": f"g{i}", "rules": [{"alert": "A", "expr": "x\n"}]}

    lazy = {"groups": LazyList(3, groups), "empty": LazyList(0, list)}
    assert made == [], "nothing is made before the dump"
    assert to_yaml(lazy) == _pyyaml({"groups": list(groups()), "empty": []})
    fallback = {"groups": LazyList(1, lambda: [{1.5: "float key"}])}
    assert to_yaml(fallback) == _pyyaml({"groups": [{1.5: "float key"}]})


def test_long_documents_are_joined_in_chunks_without_changing_a_byte(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env, "_PARTS_PER_CHUNK", 7)
    doc = {"groups": [{"name": f"g{i}", "rules": [{"alert": "A: x", "expr": f"x{i}\n",
                                                   "tags": ["a", ("b", i)]}]}
                      for i in range(40)]}
    assert to_yaml(doc) == _pyyaml(doc)


def test_an_emitter_does_not_outlive_its_document() -> None:
    # The CLI runs without the cyclic collector: an emitter in a reference cycle would keep
    # its whole text alive (hundreds of megabytes over a large run).
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        to_yaml({"groups": [{"name": f"g{i}", "rules": [{"alert": "A", "expr": "up\n"}]}
                            for i in range(50)]})
        alive = [o for o in gc.get_objects() if isinstance(o, env._FastEmitter)]
    finally:
        if was_enabled:
            gc.enable()
    assert alive == []
