"""Migration waves on hand-built landscapes with known answers, and on specs/examples."""

from __future__ import annotations

import json

import pytest
from graph_support import build, compile_examples, flow, obj, system, team

from mfgint.graph.core import IntegrationGraph
from mfgint.graph.migration import MigrationError, MigrationPlan, plan_migration
from mfgint.graph.migration_report import MIGRATION_FORMATS


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> IntegrationGraph:
    """old-wms is retired for new-wms.

    f-items:  erp -> old-wms (item)          feeds item
    f-stock:  old-wms -> erp (item)          reads item back out: waits for f-items
    f-lots:   old-wms -> qms (lot)           old-wms is system of record for lot
    f-route:  erp -> carrier via old-wms     old-wms only carries it
    f-orders: erp -> old-wms (order)         feeds order, nobody reads it
    """
    docs = [
        team("team-a"),
        system("erp", criticality="tier-1"),
        system("old-wms", type_="wms", criticality="tier-1", processing="batch",
               lifecycle={"status": "retiring", "retirementDate": "2027-06-30",
                          "replacedBy": "new-wms"},
               endpoints=[{"name": "sftp", "protocol": "sftp"}]),
        system("new-wms", type_="wms", criticality="tier-1",
               endpoints=[{"name": "rest", "protocol": "rest"}]),
        system("qms", type_="qms"),
        system("carrier", zone="partner", type_="carrier"),
        obj("item", "erp"), obj("lot", "old-wms"), obj("order", "erp"),
        flow("f-items", "item@1", "erp", "old-wms", criticality="tier-2", rto="4h",
             reconciliation={"schedule": "0 * * * *", "method": "watermark"}),
        flow("f-stock", "item@1", "old-wms", "erp", criticality="tier-1", rto="30m"),
        flow("f-lots", "lot@1", "old-wms", "qms", pattern="batch", latency="batch",
             schedule="0 2 * * *"),
        flow("f-route", "order@1", "erp", "carrier", pattern="file", latency="batch",
             schedule="0 3 * * *", via=["old-wms"], protocol="sftp"),
        flow("f-orders", "order@1", "erp", "old-wms", pattern="api", protocol="sftp"),
    ]
    return build(tmp_path_factory.mktemp("mig"), docs)


def waves(plan: MigrationPlan) -> list[list[str]]:
    """Flow names per wave."""
    return [[m.flow for m in w.moves] for w in plan.waves]


def assert_ordered(plan: MigrationPlan) -> None:
    """No flow waits for a flow in the same or a later wave; waves are numbered 1..n."""
    wave_of = {m.flow: w.number for w in plan.waves for m in w.moves}
    assert [w.number for w in plan.waves] == list(range(1, len(plan.waves) + 1))
    for w in plan.waves:
        for m in w.moves:
            for dep in m.waits_for:
                if dep in wave_of:
                    assert wave_of[dep] < w.number, (m.flow, dep)
        assert all(n < w.number for n in w.waits_for_waves)


def test_feeders_move_before_readers(graph: IntegrationGraph) -> None:
    """Wave 1 feeds the replacement and re-points hops; wave 2 switches the reader."""
    plan = plan_migration(graph, "old-wms")
    assert plan.replace_with == "new-wms"  # from lifecycle.replacedBy
    assert waves(plan) == [["f-items", "f-lots", "f-orders", "f-route"], ["f-stock"]]
    assert_ordered(plan)
    moves = {m.flow: m for w in plan.waves for m in w.moves}
    assert moves["f-stock"].waits_for == ("f-items",)
    assert moves["f-items"].action == "target old-wms -> new-wms"
    assert moves["f-stock"].action == "source old-wms -> new-wms"
    assert moves["f-route"].action == "via old-wms -> new-wms"
    assert moves["f-route"].roles == ("via",)
    assert plan.waves[1].waits_for_waves == (1,)


def test_coexistence_where_readers_move_later(graph: IntegrationGraph) -> None:
    """f-items feeds both systems until wave 2; lots need an initial load (SoR)."""
    plan = plan_migration(graph, "old-wms")
    co = {c.flow: c for w in plan.waves for c in w.coexistence}
    assert sorted(co) == ["f-items", "f-lots"]
    assert (co["f-items"].from_wave, co["f-items"].until_wave) == (1, 2)
    assert co["f-items"].reconciliation == "watermark at '0 * * * *'"
    assert "system of record for lot" in co["f-lots"].reason
    assert co["f-lots"].reconciliation is None
    assert "f-orders" not in co  # nobody reads orders out of old-wms


def test_risk_per_wave(graph: IntegrationGraph) -> None:
    """Wave 2 holds a tier-1 flow with a 30 minute RTO: high risk."""
    plan = plan_migration(graph, "old-wms")
    first, second = plan.waves
    assert (first.risk.level, first.risk.criticality, first.risk.tightest_rto) == (
        "medium", "tier-2", "4h")
    assert (second.risk.level, second.risk.tier1_flows, second.risk.tightest_rto) == (
        "high", 1, "30m")


def test_notes_for_protocols_hops_and_system_of_record(graph: IntegrationGraph) -> None:
    """The plan warns about missing endpoints, draining a batch hop and the lot SoR."""
    plan = plan_migration(graph, "old-wms")
    moves = {m.flow: m for w in plan.waves for m in w.moves}
    assert "new-wms has no sftp endpoint" in moves["f-route"].notes
    assert any("drain" in n for n in moves["f-route"].notes)
    assert plan.mastered_objects == ("lot",)
    assert any("system of record for lot" in n for n in plan.notes)


def test_max_per_wave_splits_with_pilots_first(graph: IntegrationGraph) -> None:
    """Cut to 2 flows per wave: lowest criticality first, dependency order kept."""
    plan = plan_migration(graph, "old-wms", max_per_wave=2)
    assert waves(plan) == [["f-lots", "f-orders"], ["f-items", "f-route"], ["f-stock"]]
    assert_ordered(plan)
    assert plan.waves[2].waits_for_waves == (2,)


def test_replacing_with_the_counterpart_retires_the_flow(graph: IntegrationGraph) -> None:
    """Moving old-wms onto erp makes erp <-> old-wms flows talk to themselves: retire them."""
    plan = plan_migration(graph, "old-wms", "erp")
    moves = {m.flow: m for w in plan.waves for m in w.moves}
    assert moves["f-items"].action.startswith("retire")
    assert moves["f-lots"].action == "source old-wms -> erp"


@pytest.mark.parametrize(
    ("retire", "replace", "message", "hint"),
    [
        ("old-wm", None, "no system named 'old-wm'", "did you mean: old-wms"),
        ("old-wms", "new-wm", "no replacement system named 'new-wm'", "new-wms"),
        ("old-wms", "old-wms", "cannot replace itself", "--replace-with"),
    ],
)
def test_bad_systems_are_errors(graph: IntegrationGraph, retire: str, replace: str | None,
                                message: str, hint: str) -> None:
    """Unknown or identical systems raise MigrationError with a hint."""
    with pytest.raises(MigrationError) as err:
        plan_migration(graph, retire, replace)
    assert message in err.value.message
    assert err.value.hint is not None and hint in err.value.hint


def test_reports_in_every_format(graph: IntegrationGraph) -> None:
    """Text, Markdown and JSON carry the same waves."""
    plan = plan_migration(graph, "old-wms")
    text = MIGRATION_FORMATS["text"](plan)
    assert text.startswith("Migration plan: retire old-wms -> new-wms\n")
    assert "Wave 2 - risk high (highest tier-1, tightest RTO 30m, 1 tier-1 flow); after wave 1" \
        in text
    md = MIGRATION_FORMATS["markdown"](plan)
    assert "| wave | flows | risk | highest | tightest RTO | starts | teams |" in md
    assert "#### Wave 1 — risk medium" in md
    data = json.loads(MIGRATION_FORMATS["json"](plan))
    assert data["schema"] == "mfgint.migration/v1"
    assert [[m["flow"] for m in w["moves"]] for w in data["waves"]] == waves(plan)
    assert data["waves"][1]["waitsForWaves"] == [1]


def test_examples_biztalk_exit_is_ordered() -> None:
    """The retiring BizTalk of specs/examples moves to the integration hub in order."""
    graph = IntegrationGraph(compile_examples())
    plan = plan_migration(graph, "legacy-biztalk")
    assert plan.replace_with == "integration-hub"
    assert plan.waves, "legacy-biztalk carries flows in specs/examples"
    assert_ordered(plan)
    touching = {f.name for f in graph.flows_touching("legacy-biztalk")}
    assert {m.flow for w in plan.waves for m in w.moves} == touching
