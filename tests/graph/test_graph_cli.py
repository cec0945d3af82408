"""The graph, impact and plan-migration commands as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from graph_support import REPO
from typer.testing import CliRunner, Result

from mfgint.cli import app

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
EXAMPLES = "specs/examples"


Run = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke mfgint in-process from the repository root (spans read specs/examples/...)."""
    monkeypatch.chdir(REPO)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke


def test_graph_dot_of_examples(run: Run) -> None:
    """`mfgint graph specs/examples --format dot` prints a digraph with every system."""
    result = run("graph", EXAMPLES, "--format", "dot")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("digraph mfgint {")
    assert '"system:odoo-erp" [label="odoo-erp\\nerp · it · tier-1"' in result.stdout


def test_graph_select_group_and_show(run: Run) -> None:
    """Selection, grouping and extra node kinds reach the export."""
    result = run("graph", EXAMPLES, "-f", "json", "--select", "plant:lyon", "--group-by",
                 "owner", "--show", "teams,plants")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["graph"]["select"] == "plant:lyon"
    kinds = {n["kind"] for n in doc["nodes"]}
    assert kinds == {"system", "team", "plant"}
    assert {g["by"] for g in doc["groups"]} == {"owner"}


def test_graph_output_file(run: Run, tmp_path: Path) -> None:
    """--output writes the export to a file and nothing to stdout."""
    out = tmp_path / "g.mmd"
    result = run("graph", EXAMPLES, "-f", "mermaid", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").splitlines()[1] == "flowchart LR"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-f", "png"), "unknown format 'png'"),
        (("--select", "system:odo-erp"), "did you mean: odoo-erp?"),
        (("--select", "zone:ot,zone:partner"), "matches nothing"),
        (("--group-by", "country"), "unknown --group-by 'country'"),
        (("--collapse",), "--collapse needs --group-by"),
        (("--show", "flows"), "unknown --show kind 'flows'"),
        (("--select", "sytem:x"), "did you mean system?"),
    ],
)
def test_graph_usage_errors(run: Run, tmp_path: Path, args: tuple[str, ...],
                            message: str) -> None:
    """Bad options exit 2 with a clear message, no traceback and no output file."""
    out = tmp_path / "never.dot"
    result = run("graph", EXAMPLES, *args, "-o", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_path_is_a_usage_error(run: Run) -> None:
    """A spec path that does not exist exits 2."""
    result = run("graph", "no/such/folder")
    assert result.exit_code == 2
    assert "no/such/folder does not exist" in result.output


def test_svg_without_graphviz_says_how_to_install(run: Run,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """--format svg without dot on PATH exits 2 and explains how to install Graphviz."""
    from mfgint.graph.render import svg

    monkeypatch.setattr(svg, "dot_executable", lambda: None)
    result = run("graph", EXAMPLES, "-f", "svg")
    assert result.exit_code == 2
    assert "SVG needs Graphviz" in result.output
    assert "apt-get install graphviz" in result.output


def test_impact_of_odoo_lists_dependents_and_teams(run: Run) -> None:
    """`mfgint impact system:odoo-erp` names the MES, WMS, ... and the teams with contacts."""
    result = run("impact", "system:odoo-erp", EXAMPLES)
    assert result.exit_code == 0, result.output
    text = result.stdout
    for dependent in ("mes-lyon", "mes-grenoble", "mes-poznan", "wms-reflex", "geodis-3pl"):
        assert f" {dependent} (" in text
    assert "Teams to notify" in text
    assert "team-plant-ops: email plant-ops@acme-components.example" in text


def test_impact_accepts_paths_first_and_bare_names(run: Run) -> None:
    """`mfgint impact specs/examples odoo-erp` means the same as the documented order."""
    first = run("impact", "odoo-erp", EXAMPLES, "-f", "json")
    second = run("impact", EXAMPLES, "odoo-erp", "-f", "json")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["subjectSystems"] == ["odoo-erp"]


def test_impact_bad_selector(run: Run) -> None:
    """An unknown system exits 2 with a suggestion."""
    result = run("impact", "system:odoo", EXAMPLES)
    assert result.exit_code == 2
    assert "did you mean: odoo-erp?" in result.output


def test_plan_migration_of_biztalk(run: Run) -> None:
    """The retiring BizTalk moves to its declared replacement in waves."""
    result = run("plan-migration", EXAMPLES, "--retire", "legacy-biztalk", "-f", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["replaceWith"] == "integration-hub"
    wave_of = {m["flow"]: w["number"] for w in plan["waves"] for m in w["moves"]}
    for w in plan["waves"]:
        for m in w["moves"]:
            assert all(wave_of.get(d, 0) < w["number"] for d in m["waitsFor"])


def test_plan_migration_errors(run: Run) -> None:
    """An unknown system, or a missing --retire, exits 2."""
    result = run("plan-migration", EXAMPLES, "--retire", "legacy-biztalks")
    assert result.exit_code == 2
    assert "did you mean: legacy-biztalk?" in result.output
    assert run("plan-migration", EXAMPLES).exit_code == 2


CLI_GOLDEN = {
    "impact-odoo-erp.md": ("impact", "system:odoo-erp", EXAMPLES, "-f", "markdown"),
    "impact-work-order.txt": ("impact", "object:work-order", EXAMPLES),
    "plan-legacy-biztalk.md": ("plan-migration", EXAMPLES, "--retire", "legacy-biztalk",
                               "-f", "markdown"),
    "plan-wms-reflex.txt": ("plan-migration", EXAMPLES, "--retire", "wms-reflex",
                            "--replace-with", "odoo-erp"),
    "lyon-owner.mmd": ("graph", EXAMPLES, "-f", "mermaid", "-s", "1+plant:lyon",
                       "--group-by", "owner"),
}


@pytest.mark.parametrize("name", sorted(CLI_GOLDEN))
def test_cli_golden(run: Run, update_golden: bool, name: str) -> None:
    """Reports on specs/examples match the reviewed golden files."""
    result = run(*CLI_GOLDEN[name])
    assert result.exit_code == 0, result.output
    path = GOLDEN / name
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
    assert path.exists(), f"missing golden {path}: run pytest --update-golden"
    assert result.stdout == path.read_text(encoding="utf-8"), f"{name}: pytest --update-golden"


def test_subprocess_output_is_byte_identical_across_hash_seeds() -> None:
    """A real `python -m mfgint` run gives the same bytes whatever PYTHONHASHSEED is."""
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        done = subprocess.run(
            [sys.executable, "-m", "mfgint", "graph", EXAMPLES, "-f", "mermaid",
             "--group-by", "zone", "-s", "zone:ot+1 pattern:api"],
            cwd=REPO, env=env, capture_output=True, check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"%% mfgint integration graph: zone:ot+1 pattern:api\n")
