"""The fixed cost of a run: heavy libraries are imported only by the code paths that need them.

networkx, jsonschema, rich and jinja2 each take a tenth of a second or so to import; a
re-validation after a one-file edit must not pay for them when it does not use them. These run
in a fresh interpreter, since the test session itself has imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLES = REPO / "specs" / "examples"
BROKEN = REPO / "tests" / "fixtures" / "broken"
TODAY = "2026-11-28"
HEAVY = ("networkx", "jsonschema", "rich", "jinja2", "fastjsonschema")

# Runs ``body`` after importing the CLI, then prints the heavy modules that got imported.
PROBE = """
import sys
import mfgint.cli
{body}
heavy = {heavy!r}
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def imported_after(body: str) -> set[str]:
    """Heavy modules (and submodules) imported by ``import mfgint.cli`` then ``body``."""
    env = {**os.environ, "NO_COLOR": "1", "MFGINT_TODAY": TODAY, "MFGINT_NO_CACHE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body, heavy=HEAVY)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return set(proc.stdout.split())


def test_importing_the_cli_and_the_validate_path_imports_no_heavy_library() -> None:
    found = imported_after(
        "import mfgint.commands.validate_cmd, mfgint.pipeline, mfgint.reporters, mfgint.config"
    )
    assert found == set(), f"imported at start-up: {sorted({m.split('.')[0] for m in found})}"


def test_a_validate_run_imports_only_what_it_uses(tmp_path: Path) -> None:
    # The examples have no synchronous cycle (networkx), the report goes to a file (no rich) and
    # nothing is generated (no jinja2). Their object schemas are checked with jsonschema.
    out = tmp_path / "report.json"
    found = imported_after(
        "from mfgint.cli import app\n"
        f"app(['validate', {str(EXAMPLES)!r}, '-f', 'json', '-o', {str(out)!r}],"
        " standalone_mode=False)"
    )
    assert json.loads(out.read_text("utf-8"))["diagnostics"] is not None
    top = {m.split(".")[0] for m in found}
    assert not top & {"networkx", "rich", "jinja2"}, sorted(found)


def test_plain_text_findings_need_no_rich_console() -> None:
    found = imported_after(
        "from mfgint.cli import app\n"
        f"try:\n    app(['validate', {str(BROKEN)!r}, '-o', '/dev/null'], standalone_mode=False)\n"
        "except SystemExit:\n    pass"
    )
    assert not {"rich.console", "rich.text", "rich.progress"} & found, sorted(found)


def test_the_entry_point_keeps_exit_codes_and_flushes_output() -> None:
    """main() ends the process with os._exit: exit codes and piped output are unchanged."""
    env = {**os.environ, "NO_COLOR": "1", "MFGINT_TODAY": TODAY}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mfgint", *args],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )

    proc = run("validate", str(EXAMPLES), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["failed"] is False
    proc = run("validate", str(BROKEN), "-f", "json")
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["errors"] > 0
    proc = run("validate", str(EXAMPLES), "-f", "nope")
    assert proc.returncode == 2 and "unknown format" in proc.stderr
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("mfgint ")
    proc = run("no-such-command")
    assert proc.returncode == 2 and "No such command" in proc.stderr
