"""The generated connectors pass ruff, ``mypy --strict`` and their own tests on fake transports.

Slow (a mypy run per landscape): marked ``slow`` and generated once per module.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tgen_support import run, write

pytestmark = pytest.mark.slow


def tool(module: str) -> list[str]:
    """``python -m <module>``, or a skip when the tool is not installed."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install {module})")
    return [sys.executable, "-m", module]


def check(cmd: list[str], cwd: Path) -> str:
    """Run a command in ``cwd``; fail the test with its output when it fails."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, check=False,
                          timeout=900)
    assert proc.returncode == 0, f"{' '.join(cmd[2:])} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module", params=["examples", "variants"])
def connectors(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The connectors generated for a landscape, written once per module."""
    out = tmp_path_factory.mktemp(f"connectors-{request.param}")
    write(run("connectors", request.param), out)
    return out / "connectors"


def test_ruff_passes(connectors: Path) -> None:
    check([*tool("ruff"), "check", "--no-cache", "."], connectors)


def test_mypy_strict_passes(connectors: Path) -> None:
    out = check([*tool("mypy"), "--strict", "--cache-dir", str(connectors.parent / ".mypy"),
                 "."], connectors)
    assert "Success: no issues found" in out


def test_generated_tests_pass(connectors: Path) -> None:
    out = check([*tool("pytest"), "-p", "no:cacheprovider", "-o", "addopts="], connectors)
    summary = out.strip().splitlines()[-1]
    assert re.search(r"\b\d{2,} passed\b", summary), summary
    assert "failed" not in summary and "error" not in summary, summary
