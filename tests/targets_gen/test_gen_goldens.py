"""Golden trees: what connectors, alerts and runbooks generate for specs/examples.

Refresh with ``pytest tests/targets_gen --update-golden`` and review the diff like code.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from tgen_support import GOLDEN, MY_TARGETS, run

# Tools run over the repository leave caches inside the golden connectors (its pyproject.toml
# makes it a project root for ruff); they are not part of the golden tree.
CACHES = frozenset({".ruff_cache", ".mypy_cache", ".pytest_cache", "__pycache__"})


def cached(path: Path) -> bool:
    """True for files inside a tool cache folder."""
    return any(part in CACHES for part in path.parts)


@pytest.mark.parametrize("target", MY_TARGETS)
def test_golden_tree(target: str, update_golden: bool) -> None:
    generated = {f.path: f.content for f in run(target)}
    assert generated, f"{target} generated nothing for specs/examples"
    folder = GOLDEN / target
    if update_golden:
        shutil.rmtree(folder, ignore_errors=True)
        for path, content in generated.items():
            dest = GOLDEN / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(content)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file() and not cached(p)}
    missing = sorted(expected.keys() - generated.keys())
    extra = sorted(generated.keys() - expected.keys())
    assert not missing and not extra, (
        f"no longer generated: {missing[:5]}; new: {extra[:5]} (run with --update-golden)")
    for path, content in sorted(generated.items()):
        if content != expected[path]:
            diff = "".join(difflib.unified_diff(
                expected[path].decode().splitlines(keepends=True),
                content.decode().splitlines(keepends=True), f"golden/{path}", path, n=2))
            pytest.fail(f"{path} differs (run with --update-golden and review):\n{diff[:3000]}")
