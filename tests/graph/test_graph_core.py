"""IntegrationGraph: the public queries rule authors use, and the via-aware walks."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph_support import build, flow, obj, plant, system, team, write

from mfgint.graph.analysis import tier1_dependencies
from mfgint.graph.core import IntegrationGraph
from mfgint.pipeline import compile_specs


@pytest.fixture(scope="module")
def docs() -> list[dict[str, object]]:
    """erp -api-> mes -api-> erp (a sync cycle), erp -> wms via gw, wms -> lake."""
    return [
        team("team-a"), plant("lyon"),
        system("erp", criticality="tier-1"),
        system("mes", zone="ot", type_="mes", plants=("lyon",), criticality="tier-1"),
        system("gw", zone="dmz", type_="gateway"),
        system("wms", type_="wms", plants=("lyon",)),
        system("lake", zone="cloud", type_="analytics"),
        obj("order", "erp"), obj("report", "mes"),
        flow("erp-to-mes", "order@1", "erp", "mes", pattern="api", criticality="tier-1"),
        flow("mes-to-erp", "report@1", "mes", "erp", pattern="api"),
        flow("erp-to-wms", "order@1", "erp", ["wms", "lake"], via=["gw"], criticality="tier-1"),
        flow("wms-to-lake", "order@1", "wms", "lake", pattern="batch", latency="batch",
             schedule="0 1 * * *"),
    ]


@pytest.fixture(scope="module")
def graph(docs: list[dict[str, object]], tmp_path_factory: pytest.TempPathFactory
          ) -> IntegrationGraph:
    """The landscape's graph with teams and plants as extra nodes."""
    g = build(tmp_path_factory.mktemp("core"), docs)
    return IntegrationGraph(g.model, extra_kinds=("team", "plant", "event", "object"))


def test_edges_follow_the_data_direction(graph: IntegrationGraph) -> None:
    """One edge per flow target, source -> target, sorted by flow."""
    edges = [(a, b, e.flow) for a, b, e in graph.flow_edges()]
    assert edges == [
        ("system:erp", "system:mes", "erp-to-mes"),
        ("system:erp", "system:lake", "erp-to-wms"),
        ("system:erp", "system:wms", "erp-to-wms"),
        ("system:mes", "system:erp", "mes-to-erp"),
        ("system:wms", "system:lake", "wms-to-lake"),
    ]
    _, _, e = next(graph.flow_edges())
    assert (e.object, e.version, e.pattern, e.criticality) == ("order", "order@1", "api",
                                                               "tier-1")


def test_flows_touching_includes_via(graph: IntegrationGraph) -> None:
    """flows_touching lists flows by source, target or via hop, sorted by name."""
    assert [f.name for f in graph.flows_touching("gw")] == ["erp-to-wms"]
    assert [f.name for f in graph.flows_touching("erp")] == [
        "erp-to-mes", "erp-to-wms", "mes-to-erp"]


def test_upstream_downstream_follow_data_not_ownership(graph: IntegrationGraph) -> None:
    """Walks on node ids follow flows (and event/object links), never owns/serves edges."""
    assert graph.downstream("system:wms") == {"system:lake": 1}
    assert graph.upstream("system:lake", depth=1) == {"system:erp": 1, "system:wms": 1}
    up = graph.upstream("system:wms")
    assert "team:team-a" not in up and "plant:lyon" not in up
    assert graph.downstream("system:mes", depth=2) == {
        "system:erp": 1, "object:report": 1, "system:lake": 2, "system:wms": 2,
        "object:order": 2}


def test_reach_passes_through_hops_only_from_them(graph: IntegrationGraph) -> None:
    """From a hop: the flows it carries; between endpoints: never through the hop."""
    assert graph.reach(["gw"], 1) == {"lake": 1, "wms": 1}
    assert graph.reach(["gw"], reverse=True) == {"erp": 1, "mes": 2}
    assert "gw" not in graph.reach(["erp"])
    assert graph.reach(["erp"], 1) == {"lake": 1, "mes": 1, "wms": 1}


def test_sync_cycles_and_cycle_edges(graph: IntegrationGraph) -> None:
    """The api loop erp <-> mes is a cycle; its edges are flagged, others are not."""
    assert graph.sync_cycles() == [["erp", "mes"]]
    assert graph.sync_cycle_edges == frozenset({("erp-to-mes", "erp", "mes"),
                                                ("mes-to-erp", "mes", "erp")})


def test_tier1_dependencies_name_systems_below_tier1(graph: IntegrationGraph) -> None:
    """gw (via) and wms, lake (targets) carry tier-1 erp-to-wms but are not tier-1."""
    deps = {d.system: d.flows for d in tier1_dependencies(graph.model)}
    assert deps == {
        "gw": (("erp-to-wms", "via"),),
        "lake": (("erp-to-wms", "target"),),
        "wms": (("erp-to-wms", "target"),),
    }


def test_unknown_systems_are_skipped(tmp_path: Path) -> None:
    """A flow naming an unknown system (REF001) adds no edge and breaks no query."""
    folder = write(tmp_path, [team("team-a"), system("erp"), obj("order", "erp"),
                              flow("ghost", "order@1", "erp", "nowhere", via=["nohop"])])
    model = compile_specs([folder]).model
    g = IntegrationGraph(model)
    assert list(g.flow_edges()) == []
    assert [f.name for f in g.flows_touching("erp")] == ["ghost"]
    assert g.reach(["erp"]) == {}
