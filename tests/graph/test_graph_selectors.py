"""Selectors: grammar, graph operators with depth, set operations and errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from graph_support import build, flow, obj, plant, system, team

from mfgint.graph.core import IntegrationGraph
from mfgint.graph.selectors import Selected, SelectorError, parse, parse_atom, select


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> IntegrationGraph:
    """erp -> mes -> hist -> lake, erp -> wms (api), wms -> erp (api), crm -> erp via hub.

    Plants: lyon (mes, wms), grenoble (wms). Zones: mes and hist are ot.
    """
    docs = [
        team("team-a"), team("team-b"),
        plant("lyon"), plant("grenoble"),
        system("erp", owner="team-a", criticality="tier-1", labels={"domain": "erp"}),
        system("mes", zone="ot", type_="mes", plants=("lyon",), owner="team-b"),
        system("hist", zone="ot", type_="historian", owner="team-b"),
        system("lake", zone="cloud", type_="analytics", owner="team-b"),
        system("wms", type_="wms", plants=("lyon", "grenoble"), labels={"domain": "logistics"}),
        system("crm", zone="cloud", type_="crm"),
        system("hub", type_="middleware", criticality="tier-1"),
        obj("work-order", "erp"), obj("reading", "hist"), obj("shipment", "erp"),
        obj("customer", "crm"),
        flow("wo-to-mes", "work-order@2", "erp", "mes", criticality="tier-1"),
        flow("mes-to-hist", "reading@1", "mes", "hist", pattern="batch", latency="batch",
             schedule="0 * * * *"),
        flow("hist-to-lake", "reading@1", "hist", "lake", pattern="file", latency="batch",
             schedule="0 1 * * *", owner="team-b"),
        flow("ship-to-wms", "shipment@1", "erp", "wms", pattern="api",
             labels={"domain": "logistics"}),
        flow("wms-to-erp", "shipment@1", "wms", "erp", pattern="api", latency="realtime"),
        flow("crm-to-erp", "customer@1", "crm", "erp", pattern="webhook", via=["hub"]),
    ]
    return build(tmp_path_factory.mktemp("sel"), docs)


def names(sel: Selected) -> tuple[list[str], list[str], list[str]]:
    """Sorted systems, flows and plants of a selection."""
    return sorted(sel.systems), sorted(sel.flows), sorted(sel.plants)


# --- grammar -------------------------------------------------------------------------------


def test_atom_grammar_reads_methods_values_and_depths() -> None:
    """``N+method:value+M`` parses into its parts; a bare value has no method."""
    a = parse_atom("2+system:mes-lyon+1")
    assert (a.method, a.value, a.up, a.up_depth, a.down, a.down_depth) == (
        "system", "mes-lyon", True, 2, True, 1)
    b = parse_atom("+plant:lyon")
    assert (b.up, b.up_depth, b.down) == (True, None, False)
    c = parse_atom("odoo-erp+")
    assert (c.method, c.value, c.down, c.down_depth) == ("", "odoo-erp", True, None)
    d = parse_atom("label:domain=quality")
    assert (d.method, d.value) == ("label", "domain=quality")


def test_expression_is_union_of_intersections() -> None:
    """Spaces separate union terms, commas intersection atoms."""
    parsed = parse("zone:ot,plant:lyon  pattern:event")
    assert [[a.text for a in term] for term in parsed] == [
        ["zone:ot", "plant:lyon"], ["pattern:event"]]


@pytest.mark.parametrize(
    ("expr", "message", "hint"),
    [
        ("", "empty selector", "system:odoo-erp"),
        ("zone:ot,,plant:lyon", "empty selector between commas", "comma"),
        ("+", "cannot read selector", "upstream"),
        ("sytem:erp", "unknown selector method 'sytem'", "did you mean system"),
        ("system:", "has no value", "system:NAME"),
        ("a+b+c", "cannot read selector", "bounded depth"),
    ],
)
def test_grammar_errors_say_what_is_wrong(graph: IntegrationGraph, expr: str, message: str,
                                          hint: str) -> None:
    """Malformed selectors raise SelectorError with a message and a hint."""
    with pytest.raises(SelectorError) as err:
        select(graph, expr)
    assert message in err.value.message
    assert err.value.hint is not None and hint in err.value.hint


# --- methods -------------------------------------------------------------------------------


def test_system_atom_selects_systems_and_flows_between_them(graph: IntegrationGraph) -> None:
    """A single system has no flows; two connected systems bring the flows between them."""
    assert names(select(graph, "system:erp")) == (["erp"], [], [])
    assert names(select(graph, "system:erp system:wms")) == (
        ["erp", "wms"], ["ship-to-wms", "wms-to-erp"], ["grenoble", "lyon"])


def test_plant_selects_its_systems_touching_flows_and_itself(graph: IntegrationGraph) -> None:
    """plant:NAME = systems whose plants list it, every flow touching them, and the plant."""
    assert names(select(graph, "plant:lyon")) == (
        ["mes", "wms"], ["mes-to-hist", "ship-to-wms", "wms-to-erp", "wo-to-mes"], ["lyon"])


def test_flow_level_atoms_bring_their_endpoints(graph: IntegrationGraph) -> None:
    """pattern:, latency:, object: choose flows; their systems are the flows' ends."""
    assert names(select(graph, "pattern:api")) == (
        ["erp", "wms"], ["ship-to-wms", "wms-to-erp"], ["grenoble", "lyon"])
    assert names(select(graph, "latency:realtime"))[1] == ["wms-to-erp"]
    assert names(select(graph, "object:reading"))[1] == ["hist-to-lake", "mes-to-hist"]
    assert names(select(graph, "object:work-order@2"))[1] == ["wo-to-mes"]


def test_owner_and_label_choose_systems_and_flows(graph: IntegrationGraph) -> None:
    """owner: and label: match both systems and flows."""
    systems, flows, _ = names(select(graph, "owner:team-b"))
    assert systems == ["hist", "lake", "mes"]
    assert flows == ["hist-to-lake", "mes-to-hist"]
    systems, flows, _ = names(select(graph, "label:domain=logistics"))
    assert systems == ["erp", "wms"]
    assert flows == ["ship-to-wms"]


def test_globs_and_bare_names(graph: IntegrationGraph) -> None:
    """Values may be globs; a bare name is a system, else an object, else a flow."""
    assert names(select(graph, "system:h*"))[0] == ["hist", "hub"]
    assert names(select(graph, "erp"))[0] == ["erp"]
    assert names(select(graph, "customer"))[1] == ["crm-to-erp"]
    assert names(select(graph, "wo-to-mes"))[1] == ["wo-to-mes"]


# --- graph operators -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "systems"),
    [
        ("+system:hist", ["crm", "erp", "hist", "mes", "wms"]),
        ("1+system:hist", ["hist", "mes"]),
        ("2+system:hist", ["erp", "hist", "mes"]),
        ("system:erp+", ["erp", "hist", "lake", "mes", "wms"]),
        ("system:erp+1", ["erp", "mes", "wms"]),
        ("1+system:mes+1", ["erp", "hist", "mes"]),
        ("system:lake+", ["lake"]),
    ],
)
def test_upstream_and_downstream_with_depth(graph: IntegrationGraph, expr: str,
                                            systems: list[str]) -> None:
    """+X adds feeders, X+ what X feeds; N bounds the hops."""
    assert names(select(graph, expr))[0] == systems


def test_walks_start_at_hops_but_never_pass_through_them(graph: IntegrationGraph) -> None:
    """A hop's downstream is what its flows deliver; endpoints' walks skip the hop."""
    assert names(select(graph, "system:hub+"))[0] == ["erp", "hist", "hub", "lake", "mes", "wms"]
    assert names(select(graph, "system:hub+1"))[0] == ["erp", "hub"]
    assert "hub" not in select(graph, "+system:erp").systems
    assert names(select(graph, "+system:hub"))[0] == ["crm", "hub"]


def test_graph_operator_flows_are_those_between_reached_systems(graph: IntegrationGraph) -> None:
    """Upstream of hist: the chain erp -> mes -> hist and the flows among reached systems."""
    _, flows, _ = names(select(graph, "2+system:hist"))
    assert flows == ["mes-to-hist", "wo-to-mes"]


# --- set operations ------------------------------------------------------------------------


def test_union_of_system_atoms_includes_flows_across(graph: IntegrationGraph) -> None:
    """zone:ot zone:cloud holds the flow from an OT to a cloud system."""
    assert "hist-to-lake" in select(graph, "zone:ot zone:cloud").flows
    assert "hist-to-lake" not in select(graph, "zone:ot").flows


def test_intersection_with_a_flow_atom_keeps_flows_touching(graph: IntegrationGraph) -> None:
    """pattern:batch,zone:ot = batch flows from or to OT systems, OT systems among their ends."""
    assert names(select(graph, "pattern:batch,zone:ot")) == (["hist", "mes"], ["mes-to-hist"],
                                                             ["lyon"])
    assert names(select(graph, "zone:ot,plant:lyon"))[0] == ["mes"]
    assert select(graph, "zone:ot,plant:lyon").plants == frozenset({"lyon"})


def test_exclude_removes_systems_and_their_flows(graph: IntegrationGraph) -> None:
    """--exclude of a system removes it and its flows; of a flow atom, just those flows."""
    systems, flows, _ = names(select(graph, "plant:lyon", exclude="system:wms"))
    assert systems == ["mes"]
    assert flows == ["mes-to-hist", "wo-to-mes"]
    systems, flows, _ = names(select(graph, "plant:lyon", exclude="pattern:api"))
    assert systems == ["mes", "wms"]
    assert flows == ["mes-to-hist", "wo-to-mes"]
    assert names(select(graph, "plant:lyon plant:grenoble", exclude="plant:lyon"))[2] == [
        "grenoble"]
    systems, flows, _ = names(select(graph, "system:erp system:wms", exclude="pattern:api"))
    assert (systems, flows) == (["erp", "wms"], [])


# --- nothing matched -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "hint"),
    [
        ("system:ermp", "did you mean: erp"),
        ("zone:ott", "did you mean: ot"),
        ("plant:lyonn", "did you mean: lyon"),
        ("owner:team-c", "team-a"),
        ("object:work-ordr", "did you mean: work-order"),
        ("object:work-order@7", "flows carry: work-order@2"),
        ("label:domain=qualty", "domain="),
        ("nosuchthing", ""),
    ],
)
def test_atom_matching_nothing_suggests_names(graph: IntegrationGraph, expr: str,
                                              hint: str) -> None:
    """An atom that matches nothing says so, with the nearest names as hint."""
    with pytest.raises(SelectorError) as err:
        select(graph, expr)
    assert "matches nothing" in err.value.message
    assert err.value.hint is not None and hint in err.value.hint


def test_empty_combination_is_an_error(graph: IntegrationGraph) -> None:
    """Parts that each match but together leave nothing raise too."""
    with pytest.raises(SelectorError, match="matches nothing"):
        select(graph, "zone:ot,zone:cloud")


def test_selected_is_frozen_with_the_public_fields(graph: IntegrationGraph) -> None:
    """Selected is a frozen dataclass of three frozensets (the generate command relies on it)."""
    sel = select(graph, "plant:lyon")
    assert [f.name for f in dataclasses.fields(sel)] == ["systems", "flows", "plants"]
    assert all(isinstance(getattr(sel, f), frozenset) for f in ("systems", "flows", "plants"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        sel.systems = frozenset()  # type: ignore[misc]


def test_same_answer_on_repeat(graph: IntegrationGraph, tmp_path: Path) -> None:
    """Selecting twice gives the same result (the index is built once and reused)."""
    first = select(graph, "+system:hist pattern:api")
    assert graph.index is graph.index
    assert select(graph, "+system:hist pattern:api") == first
