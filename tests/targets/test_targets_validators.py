"""Every generated artifact passes the formats' own validators (../shared/validators)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gen_helpers import CHECK_ARTIFACTS, HERE, MY_TARGETS, example_model, run_target

from mfgint.pipeline import compile_specs

pytestmark = [
    pytest.mark.validators,
    pytest.mark.skipif(not CHECK_ARTIFACTS.exists(),
                       reason=f"{CHECK_ARTIFACTS} is not available"),
]


def write_all(out: Path, landscape: str) -> int:
    """Generate my targets for a landscape into ``out``; the number of files."""
    model = example_model() if landscape == "examples" else compile_specs(
        [HERE / "fixtures" / landscape]).model
    count = 0
    for target in MY_TARGETS:
        for f in run_target(target, model):
            path = out / f.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f.content)
            count += 1
    return count


@pytest.mark.parametrize("landscape", ["examples", "edge"])
def test_check_artifacts_accepts_every_file(landscape: str, tmp_path: Path) -> None:
    count = write_all(tmp_path, landscape)
    proc = subprocess.run([sys.executable, str(CHECK_ARTIFACTS), "--require-any", str(tmp_path)],
                          capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{count} passed, 0 failed" in proc.stdout, proc.stdout
