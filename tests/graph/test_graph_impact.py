"""Impact analysis on a small landscape with known answers, in every report format."""

from __future__ import annotations

import json

import pytest
from graph_support import build, doc, flow, obj, plant, system, team

from mfgint.graph.core import IntegrationGraph
from mfgint.graph.impact import Impact, analyse
from mfgint.graph.impact_report import IMPACT_FORMATS


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> IntegrationGraph:
    """erp <-> mes (tier-1, via broker), erp -> wms (api), wms -> lake (batch)."""
    docs = [
        team("team-erp", "erp@acme.example"), team("team-mes"), team("team-wms"),
        team("team-data"), team("team-platform"), team("team-sec"),
        plant("lyon"), plant("grenoble"),
        system("erp", owner="team-erp", criticality="tier-1"),
        system("mes", zone="ot", type_="mes", plants=("lyon",), owner="team-mes",
               criticality="tier-1"),
        system("broker", zone="dmz", type_="broker", owner="team-platform",
               criticality="tier-1"),
        system("wms", type_="wms", plants=("lyon",), owner="team-wms"),
        system("lake", zone="cloud", type_="analytics", owner="team-data",
               criticality="tier-3"),
        obj("work-order", "erp", owner="team-erp"),
        obj("production", "mes", owner="team-mes"),
        obj("shipment", "erp", owner="team-erp"),
        doc("Event", "wo-released", {
            "type": "com.acme.mfg.work_order.released.v1", "publisher": "erp",
            "object": "work-order@1", "broker": "broker", "channel": "mfg.wo.released"},
            owner="team-erp"),
        flow("wo-to-mes", "work-order@1", "erp", "mes", via=["broker"], event="wo-released",
             criticality="tier-1", owner="team-mes"),
        flow("prod-to-erp", "production@1", "mes", "erp", via=["broker"],
             criticality="tier-1", owner="team-mes"),
        flow("ship-to-wms", "shipment@1", "erp", "wms", pattern="api", criticality="tier-2",
             owner="team-wms"),
        flow("wms-to-lake", "shipment@1", "wms", "lake", pattern="batch", latency="batch",
             schedule="0 2 * * *", owner="team-data"),
        doc("AccessPolicy", "mes-to-erp", {
            "principal": {"kind": "system", "name": "mes"}, "target": "erp",
            "grants": [{"object": "production", "actions": ["create"]}],
            "auth": {"method": "mtls", "credentialRef": "vault://pki/mes"}},
            owner="team-sec"),
        doc("Workflow", "make", {"steps": [
            {"name": "release", "flow": "wo-to-mes"},
            {"name": "confirm", "flow": "prod-to-erp"}]}, owner="team-erp"),
    ]
    return build(tmp_path_factory.mktemp("impact"), docs)


def systems_of(i: Impact) -> list[tuple[str, int, str]]:
    """(name, depth, direction) of every affected system."""
    return [(s.name, s.depth, s.direction) for s in i.systems]


def test_impact_of_a_system(graph: IntegrationGraph) -> None:
    """Everything erp's loss touches, with depths, teams and the tier-1 loop."""
    i = analyse(graph, "system:erp")
    assert i.subject_systems == ("erp",)
    assert [(f.name, f.roles) for f in i.flows] == [
        ("prod-to-erp", ("target",)), ("ship-to-wms", ("source",)), ("wo-to-mes", ("source",))]
    assert systems_of(i) == [
        ("mes", 1, "both"), ("wms", 1, "downstream"), ("broker", 1, "hop"),
        ("lake", 2, "downstream")]
    assert [e.name for e in i.events] == ["wo-released"]
    assert [(p.name, p.why) for p in i.policies] == [("mes-to-erp", "target erp")]
    assert [w.name for w in i.workflows] == ["make"]
    assert [o.name for o in i.objects] == ["production", "shipment", "work-order"]
    assert "system of record is erp" in i.objects[2].why
    assert i.plants == ("grenoble", "lyon")  # erp is enterprise-wide
    teams = {t.name: t for t in i.teams}
    assert sorted(teams) == ["team-data", "team-erp", "team-mes", "team-platform", "team-sec",
                             "team-wms"]
    assert teams["team-erp"].email == "erp@acme.example"
    assert teams["team-erp"].on_call == "pd-team-erp"
    assert "Flow/wo-to-mes" in teams["team-mes"].owns
    assert [(p.systems, p.flows) for p in i.critical_paths] == [
        (("erp", "mes", "erp"), ("wo-to-mes", "prod-to-erp"))]
    assert not i.paths_truncated


def test_impact_of_a_plant_system_is_limited_to_its_plant(graph: IntegrationGraph) -> None:
    """mes serves lyon only; erp (which it feeds) is reached at depth 1, wms and lake later."""
    i = analyse(graph, "mes")
    assert systems_of(i) == [
        ("erp", 1, "both"), ("broker", 1, "hop"), ("wms", 2, "downstream"),
        ("lake", 3, "downstream")]
    assert i.plants == ("lyon",)


def test_impact_of_an_object(graph: IntegrationGraph) -> None:
    """object:shipment: its flows, producers and consumers, and objects they carry."""
    i = analyse(graph, "object:shipment")
    assert i.subject_systems == ()
    assert i.subject_objects == ("shipment",)
    assert [(f.name, f.roles) for f in i.flows] == [
        ("ship-to-wms", ("object",)), ("wms-to-lake", ("object",))]
    assert systems_of(i) == [("wms", 1, "both"), ("lake", 1, "downstream"),
                             ("erp", 1, "upstream")]
    assert [o.name for o in i.objects] == ["shipment"]
    assert i.critical_paths == ()


def test_impact_of_a_hop(graph: IntegrationGraph) -> None:
    """A broker's loss cuts the flows it carries: both ends are affected."""
    i = analyse(graph, "system:broker")
    assert [(f.name, f.roles) for f in i.flows] == [
        ("prod-to-erp", ("via",)), ("wo-to-mes", ("via",))]
    assert ("erp", 1, "both") in systems_of(i)
    assert ("mes", 1, "both") in systems_of(i)
    assert [e.why for e in i.events] == ["carried by broker broker"]


def test_text_report_lists_dependents_and_teams_first(graph: IntegrationGraph) -> None:
    """The text report names dependents with depth and the teams with their contacts."""
    text = IMPACT_FORMATS["text"](analyse(graph, "system:erp"))
    assert text.startswith("Impact of system:erp\n")
    assert text.index("Systems (4)") < text.index("Teams to notify (6)") < text.index("Flows")
    assert "depth 1 both       mes" in text
    assert "team-erp: email erp@acme.example, chat #team-erp, on-call pd-team-erp" in text
    assert "erp --(wo-to-mes)--> mes --(prod-to-erp)--> erp" in text


def test_markdown_report_is_pasteable(graph: IntegrationGraph) -> None:
    """Markdown has a heading, tables with header separators and the tier-1 call-out."""
    md = IMPACT_FORMATS["markdown"](analyse(graph, "system:erp"))
    assert md.startswith("### Impact of `system:erp`\n")
    assert "> **Tier-1:** `prod-to-erp`, `wo-to-mes`" in md
    assert "| team | contacts | escalation | owns |\n|---|---|---|---|\n" in md
    assert "| `mes` | 1 | both | mes | ot | tier-1 | team-mes |" in md
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")


def test_json_report_shape(graph: IntegrationGraph) -> None:
    """JSON has camelCase keys and every section."""
    data = json.loads(IMPACT_FORMATS["json"](analyse(graph, "system:erp")))
    assert data["schema"] == "mfgint.impact/v1"
    assert set(data) >= {"selector", "subjectSystems", "subjectObjects", "flows", "systems",
                         "events", "policies", "workflows", "objects", "plants", "teams",
                         "criticalPaths", "pathsTruncated"}
    assert data["criticalPaths"][0]["text"] == "erp --> mes --> erp"
    assert data["teams"][1]["onCall"] == "pd-team-erp"
