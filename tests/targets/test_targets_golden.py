"""Golden trees: what kong, openapi and asyncapi generate for specs/examples, reviewed like code.

Refresh with ``pytest tests/targets --update-golden`` and review the diff.
"""

from __future__ import annotations

import shutil

import pytest
from gen_helpers import GOLDEN, MY_TARGETS, run_target


@pytest.mark.parametrize("target", MY_TARGETS)
def test_golden_tree(target: str, update_golden: bool) -> None:
    generated = {f.path: f.content for f in run_target(target)}
    assert generated, f"{target} generated nothing for specs/examples"
    folder = GOLDEN / target
    if update_golden:
        shutil.rmtree(folder, ignore_errors=True)
        for path, content in generated.items():
            dest = GOLDEN / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(content)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    assert sorted(generated) == sorted(expected), "files differ: run with --update-golden"
    for path, content in generated.items():
        assert content == expected[path], f"{path} differs: run with --update-golden and review"
