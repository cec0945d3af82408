"""Exports: each format checked by its own tool, the JSON shape, highlights and goldens."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from graph_support import CHECK_ARTIFACTS, build, compile_examples, flow, obj, system, team

from mfgint.graph.core import IntegrationGraph
from mfgint.graph.render import RENDERERS
from mfgint.graph.render.dot import render_dot
from mfgint.graph.render.mermaid import render_mermaid
from mfgint.graph.selectors import select
from mfgint.graph.view import GROUP_BY, GraphView, build_view

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
DOT = shutil.which("dot")


@pytest.fixture(scope="module")
def examples() -> IntegrationGraph:
    """The graph of specs/examples, with every extra node kind available."""
    return IntegrationGraph(compile_examples(),
                            extra_kinds=("object", "event", "team", "plant"))


@pytest.fixture(scope="module")
def troubled(tmp_path_factory: pytest.TempPathFactory) -> IntegrationGraph:
    """A synchronous cycle a -> b -> a, a write into a system of record, overlapping SoRs."""
    docs = [
        team("team-a"),
        system("a"), system("b"), system("c"),
        obj("order", "a"),
        obj("part", [{"system": "b"}, {"system": "c"}]),
        flow("a-to-b", "order@1", "a", "b", pattern="api", operation="read"),
        flow("b-to-a", "order@1", "b", "a", pattern="api", operation="read"),
        flow("c-writes-a", "order@1", "c", "a", pattern="webhook", operation="update"),
        flow("c-to-b", "part@1", "c", "b", pattern="event", operation="read",
             criticality="tier-1"),
    ]
    return build(tmp_path_factory.mktemp("troubled"), docs)


def views(graph: IntegrationGraph) -> dict[str, GraphView]:
    """The views the format checks run on: plain, each grouping, collapsed, extra nodes."""
    out = {"plain": build_view(graph)}
    for by in GROUP_BY:
        out[f"by-{by}"] = build_view(graph, group_by=by)
        out[f"collapsed-{by}"] = build_view(graph, group_by=by, collapse=True)
    out["extra"] = build_view(graph, group_by="zone", show=("object", "event", "team", "plant"))
    sel = select(graph, "plant:lyon")
    out["lyon"] = build_view(graph, sel, group_by="owner")
    return out


@pytest.mark.skipif(DOT is None, reason="Graphviz dot is not installed")
def test_dot_renders_with_graphviz(examples: IntegrationGraph, tmp_path: Path) -> None:
    """Every DOT variant of specs/examples renders with dot -Tsvg without errors."""
    assert DOT is not None
    for name, view in views(examples).items():
        done = subprocess.run([DOT, "-Tsvg"], input=render_dot(view).encode(),
                              capture_output=True, check=False)
        assert done.returncode == 0, (name, done.stderr.decode())
        assert b"<svg" in done.stdout


@pytest.mark.validators
@pytest.mark.skipif(not CHECK_ARTIFACTS.exists(), reason="shared/validators/check-artifacts "
                    "is not there")
def test_dot_and_mermaid_pass_the_third_party_checks(examples: IntegrationGraph,
                                                     troubled: IntegrationGraph,
                                                     tmp_path: Path) -> None:
    """check-artifacts (dot, mermaid.parse) accepts every DOT and Mermaid variant."""
    for prefix, graph in (("examples", examples), ("troubled", troubled)):
        for name, view in views(graph).items() if prefix == "examples" else (
                ("plain", build_view(graph)),):
            (tmp_path / f"{prefix}-{name}.dot").write_text(render_dot(view), encoding="utf-8")
            (tmp_path / f"{prefix}-{name}.mmd").write_text(render_mermaid(view), encoding="utf-8")
    done = subprocess.run([str(CHECK_ARTIFACTS), "--require-any", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "failed" in done.stdout and " 0 failed" in done.stdout


def test_json_holds_every_system_and_flow(examples: IntegrationGraph) -> None:
    """Without a selection, nodes are all systems and links all flow targets."""
    model = examples.model
    doc = json.loads(RENDERERS["json"](build_view(examples)))
    assert doc["schema"] == "mfgint.graph/v1"
    assert doc["directed"] is True and doc["multigraph"] is True
    assert doc["graph"]["edgeDirection"].startswith("data")
    systems = {n["name"] for n in doc["nodes"] if n["kind"] == "system"}
    assert systems == set(model.systems)
    flows = {link["flow"] for link in doc["links"] if link["relation"] == "flow"}
    assert flows == set(model.flows)
    pairs = {(link["flow"], link["source"], link["target"]) for link in doc["links"]}
    for name, f in model.flows.items():
        for t in f.targets:
            assert (name, f"system:{f.source}", f"system:{t}") in pairs
    ids = {n["id"] for n in doc["nodes"]}
    assert all(link["source"] in ids and link["target"] in ids for link in doc["links"])
    assert doc["graph"]["counts"]["flows"] == len(model.flows)


def test_json_node_and_link_fields(examples: IntegrationGraph) -> None:
    """The documented fields are there, and networkx loads the document."""
    doc = json.loads(RENDERERS["json"](build_view(examples, group_by="zone")))
    node = next(n for n in doc["nodes"] if n["name"] == "odoo-erp")
    assert {"id", "kind", "name", "label", "group", "boundary", "ownershipConflict", "type",
            "zone", "criticality", "owner", "plants", "lifecycle", "labels",
            "location"} <= set(node)
    assert node["group"] == "group:it"
    link = doc["links"][0]
    assert {"source", "target", "key", "relation", "flow", "object", "version", "pattern",
            "latency", "criticality", "owner", "via", "syncCycle", "ownershipConflict",
            "location"} <= set(link)
    assert {g["key"] for g in doc["groups"]} == {"cloud", "dmz", "it", "ot", "partner"}
    g = nx.node_link_graph(doc, edges="links")
    assert g.number_of_nodes() == len(doc["nodes"])
    assert g.number_of_edges() == len(doc["links"])


def test_graphml_parses_with_string_attributes(examples: IntegrationGraph,
                                               tmp_path: Path) -> None:
    """GraphML reads back with networkx; every attribute is a string."""
    path = tmp_path / "g.graphml"
    path.write_text(RENDERERS["graphml"](build_view(examples)), encoding="utf-8")
    g = nx.read_graphml(path, force_multigraph=True)
    assert g.number_of_nodes() == len(examples.model.systems)
    assert g.number_of_edges() == sum(len(set(f.targets)) for f in examples.model.flows.values())
    assert 'attr.type="string"' in path.read_text(encoding="utf-8")
    assert 'attr.type="int"' not in path.read_text(encoding="utf-8")


def test_selection_draws_boundary_nodes(examples: IntegrationGraph) -> None:
    """Far ends of selected flows are drawn, marked as boundary, never dangling."""
    view = build_view(examples, select(examples, "plant:lyon"))
    boundary = {n.name for n in view.nodes if n.boundary}
    assert "odoo-erp" in boundary
    assert "mes-lyon" not in boundary
    assert 'style="rounded,filled,dashed"' in render_dot(view)


def test_cycles_and_ownership_conflicts_are_red(troubled: IntegrationGraph) -> None:
    """Sync cycle edges and conflicting writes are red in DOT, Mermaid and JSON."""
    view = build_view(troubled)
    edges = {e.attrs["flow"]: e for e in view.edges}
    assert edges["a-to-b"].cycle and edges["b-to-a"].cycle
    assert not edges["c-writes-a"].cycle
    assert edges["c-writes-a"].conflict is not None
    assert "system of record a" in edges["c-writes-a"].conflict
    assert edges["c-to-b"].conflict is None
    conflicted = {n.name for n in view.nodes if n.conflict}
    assert conflicted == {"b", "c"}  # overlapping systems of record for part
    dot = render_dot(view)
    for flow_name in ("a-to-b", "b-to-a", "c-writes-a"):
        line = next(x for x in dot.splitlines() if f'label="{flow_name}' in x)
        assert 'color="#d62728"' in line
    c_to_b = next(x for x in dot.splitlines() if 'label="c-to-b' in x)
    assert 'style="dashed,bold"' in c_to_b and "#d62728" not in c_to_b
    assert view.cycles == (("a", "b"),)
    doc = json.loads(RENDERERS["json"](view))
    assert doc["syncCycles"] == [["a", "b"]]
    mmd = render_mermaid(view)
    assert "stroke:#d62728" in mmd and "classDef conflict" in mmd


def test_dot_edge_styles_follow_pattern(examples: IntegrationGraph) -> None:
    """api solid, event dashed, batch/file dotted; tier-1 bold."""
    dot = render_dot(build_view(examples))

    def style_of(flow_name: str) -> str:
        line = next(x for x in dot.splitlines() if f'label="{flow_name}\\n' in x)
        return line.split('style="', 1)[1].split('"', 1)[0]

    model = examples.model
    for name, f in model.flows.items():
        base = {"api": "solid", "webhook": "dashed", "event": "dashed", "batch": "dotted",
                "file": "dotted"}[f.pattern]
        expected = base + (",bold" if f.criticality == "tier-1" else "")
        assert style_of(name) == expected, name


def test_mermaid_ids_are_sanitised(examples: IntegrationGraph) -> None:
    """Mermaid ids use letters, digits and underscores, with a kind prefix."""
    mmd = render_mermaid(build_view(examples, group_by="plant"))
    assert mmd.splitlines()[1] == "flowchart LR"
    assert "sys_odoo_erp(" in mmd
    assert 'subgraph grp__enterprise_wide_["plant: (enterprise-wide)"]' in mmd
    assert "odoo-erp(" not in mmd


def test_collapsed_view_rolls_flows_up(examples: IntegrationGraph) -> None:
    """Collapsed: one node per group, one edge per group pair with the flow count."""
    view = build_view(examples, group_by="zone", collapse=True)
    assert {n.kind for n in view.nodes} == {"group"}
    systems = examples.model.systems
    bundles = {(name, systems[f.source].zone, systems[t].zone)
               for name, f in examples.model.flows.items() for t in f.targets}
    assert sum(e.count for e in view.edges) == len(bundles)
    assert all(e.relation == "rollup" for e in view.edges)


def test_svg_uses_graphviz_or_explains(examples: IntegrationGraph,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """SVG comes from dot; without dot the error says how to install Graphviz."""
    from mfgint.graph.render import svg

    if DOT is not None:
        out = RENDERERS["svg"](build_view(examples))
        assert "<svg" in out
    monkeypatch.setattr(svg, "dot_executable", lambda: None)
    with pytest.raises(svg.RenderError) as err:
        RENDERERS["svg"](build_view(examples))
    assert err.value.hint is not None and "apt-get install graphviz" in err.value.hint


GOLDEN_CASES = {
    "examples.dot": ("dot", {}),
    "examples-zone.dot": ("dot", {"group_by": "zone"}),
    "examples-plant.mmd": ("mermaid", {"group_by": "plant"}),
    "examples-owner-collapsed.mmd": ("mermaid", {"group_by": "owner", "collapse": True}),
    "examples.json": ("json", {}),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_exports_of_examples(examples: IntegrationGraph, update_golden: bool,
                                    name: str) -> None:
    """Exports of specs/examples match the reviewed golden files."""
    fmt, options = GOLDEN_CASES[name]
    graph = IntegrationGraph(examples.model)
    text = RENDERERS[fmt](build_view(graph, **options))  # type: ignore[arg-type]
    path = GOLDEN / name
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden {path}: run pytest --update-golden"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs: pytest --update-golden"
