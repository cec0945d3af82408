"""The runbooks target: per flow, per system and an index, with links that resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tgen_support import MY_TARGETS, context, files_of, model_of, run, write

from mfgint.graph.core import IntegrationGraph
from mfgint.targets.base import GenerationError, Scope
from mfgint.targets.exposure import services
from mfgint.targets.registry import TARGETS
from mfgint.targets.runbooks import _Index, graph_systems

LINK_RX = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_a_runbook_per_flow_and_per_system_and_an_index() -> None:
    paths = set(files_of(run("runbooks")))
    model = model_of("examples")
    assert "runbooks/index.md" in paths
    assert {f"runbooks/flows/{n}.md" for n in model.flows} <= paths
    assert {f"runbooks/systems/{n}.md" for n in model.systems} <= paths


def test_flow_runbook_has_what_on_call_needs() -> None:
    text = files_of(run("runbooks", "variants"))["runbooks/flows/items-to-carrier.md"]
    # owners, on-call and escalation
    assert "**Operations** (`team-ops`) · ops@example.test · chat `#ops` · on-call `pager:ops`" \
        in text
    assert "| 2 | Ops lead | lead@example.test | 30m |" in text
    # SLA and RTO
    assert "| success rate | 99.9% (error budget 0.1%) |" in text
    assert "| RTO | 30m |" in text
    # failure modes of the api pattern, with the Odoo specifics
    assert "Timeout after the target applied the call (unknown outcome)" in text
    assert "`ir.model.data`" in text
    # replay and reconciliation with the connector's own command
    assert 'python -m items_to_carrier reconcile --since "YYYY-MM-DD HH:MM:SS"' in text
    # a section per generated alert
    for alert in ("MfgintFlowErrorBudgetBurnFast", "MfgintFlowStale",
                  "MfgintFlowDeadLetterBacklog"):
        assert f"\n### {alert}\n" in text


def test_dependencies_come_from_the_graph_and_workflows() -> None:
    text = files_of(run("runbooks"))["runbooks/flows/outbound-delivery-to-wms.md"]
    # wms-reflex feeds Odoo back: a downstream flow of this one
    assert "[`wms-stock-moves-to-odoo`](wms-stock-moves-to-odoo.md) from `wms-reflex`" in text
    assert "| `order-to-ship` | pick-and-pack |" in text
    assert "Upstream, feeding `odoo-erp`:" in text


def test_waivers_in_force_include_those_on_the_flows_access_policies() -> None:
    text = files_of(run("runbooks"))["runbooks/flows/shipment-tracking-from-3pl.md"]
    assert "| SEC003 | AccessPolicy `geodis-3pl-to-odoo` |" in text
    assert "| 2027-05-31 |" in text
    variants = files_of(run("runbooks", "variants"))["runbooks/flows/carrier-status-to-erp.md"]
    # a pipe in the reason must not break the Markdown table
    assert "itself \\| for 24h." in variants


def test_system_runbook_lists_its_flows_and_lifecycle() -> None:
    text = files_of(run("runbooks"))["runbooks/systems/legacy-biztalk.md"]
    assert "| lifecycle | retiring, retirement 2027-03-31, replaced by [`integration-hub`]" \
        "(integration-hub.md) |" in text
    assert "Passing through `legacy-biztalk`:" in text
    assert "- Flows through it stop:" in text


def test_every_link_resolves_when_all_targets_are_generated(tmp_path: Path) -> None:
    ctx = context(model_of("examples"))
    for name in TARGETS:
        write(TARGETS[name]().generate(ctx), tmp_path)
    broken = []
    count = 0
    for md in sorted((tmp_path / "runbooks").rglob("*.md")):
        for href in LINK_RX.findall(md.read_text(encoding="utf-8")):
            count += 1
            if not (md.parent / href).is_file():
                broken.append(f"{md.relative_to(tmp_path)} -> {href}")
    assert count > 1000
    assert not broken, "\n".join(broken[:20])
    kinds = {href.split("/")[2] for md in (tmp_path / "runbooks" / "flows").glob("*.md")
             for href in LINK_RX.findall(md.read_text(encoding="utf-8"))
             if href.startswith("../../")}
    assert {"alerts", "connectors", "kong", "openapi", "asyncapi"} <= kinds


def test_scope_keeps_the_selected_flow_and_its_systems() -> None:
    paths = set(files_of(run("runbooks", "variants",
                             scope=Scope(flows=frozenset({"items-to-carrier"})))))
    assert paths == {"runbooks/index.md", "runbooks/flows/items-to-carrier.md",
                     "runbooks/systems/erp-next.md", "runbooks/systems/carrier-x.md"}


def test_my_targets_are_registered() -> None:
    for name in MY_TARGETS:
        assert TARGETS[name].output_dir == name


def test_long_dependency_lists_are_cut_to_the_nearest_with_a_pointer(tmp_path: Path) -> None:
    limit = 3
    generated = run("runbooks", options={"dependency_limit": limit})
    texts = files_of(generated)
    text = texts["runbooks/flows/outbound-delivery-to-wms.md"]
    upstream = next(line for line in text.splitlines() if line.startswith("Systems upstream"))
    assert upstream.count("](") == limit
    assert "more farther away (`mfgint graph --select +system:odoo-erp` shows them all)." \
        in upstream
    listed = [line for line in text.split("Upstream, feeding `odoo-erp`:")[1]
              .split("Downstream, fed by")[0].splitlines() if line.startswith("- ")]
    assert len(listed) == limit + 1 and listed[-1].startswith("- and ")
    assert "less critical: the runbook of [`odoo-erp`](../systems/odoo-erp.md) lists" \
        in listed[-1]
    assert all("tier-1" in line for line in listed[:-1]), "the most critical are kept"
    # A system's runbook keeps every direct neighbour, then the nearest others.
    odoo = texts["runbooks/systems/odoo-erp.md"]
    model = model_of("examples")
    direct = {f.source for f in model.flows.values() if "odoo-erp" in f.targets} - {"odoo-erp"}
    line = next(x for x in odoo.splitlines() if x.startswith("Upstream (systems feeding"))
    assert all(f"[`{name}`]" in line for name in direct) and len(direct) > limit
    # Every link still resolves.
    ctx = context(model, options={"dependency_limit": limit})
    for name in TARGETS:
        write(TARGETS[name]().generate(ctx), tmp_path)
    for md in sorted((tmp_path / "runbooks").rglob("*.md")):
        for href in LINK_RX.findall(md.read_text(encoding="utf-8")):
            assert (md.parent / href).is_file(), f"{md} -> {href}"


def test_cut_lists_match_the_full_graph_walks() -> None:
    for landscape in ("examples", "variants"):
        model = model_of(landscape)
        graph = IntegrationGraph(model)
        for limit in (1, 2, 5, 25):
            index = _Index(model, graph, services(model), limit)
            for name in model.systems:
                for upstream in (True, False):
                    full = graph_systems(graph, name, upstream=upstream)
                    shown, more = index.systems_near(name, upstream=upstream)
                    assert (shown, more) == (full[:limit], max(0, len(full) - limit))
                    keep = max(limit, sum(1 for _, d in full if d == 1))
                    assert index.systems_near(name, upstream=upstream, keep_direct=True) == (
                        full[:keep], len(full) - len(full[:keep]))


def test_dependency_limit_option_is_checked() -> None:
    with pytest.raises(GenerationError, match="dependency_limit"):
        run("runbooks", options={"dependency_limit": 0})
