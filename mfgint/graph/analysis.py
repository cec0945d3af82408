"""Graph-wide findings shown in exports: ownership conflicts and tier-1 dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from mfgint.compiler.model import Model, SystemOfRecord
from mfgint.graph.core import CRITICALITY_RANK


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Scopes overlap when either is empty (= everything) or they share an item."""
    return not a or not b or bool(set(a) & set(b))


def flow_conflicts(model: Model) -> dict[str, str]:
    """Flows that write an object into its system of record from a system that is not one.

    Mirrors OWN006: the write is a conflict unless the flow declares ``authorizedInbound``.
    """
    out: dict[str, str] = {}
    for name, flow in model.flows.items():
        obj = model.objects.get(flow.object.name)
        if obj is None or not flow.writes or flow.authorized_inbound:
            continue
        owners = {s.system for s in obj.system_of_record}
        if flow.source in owners:
            continue
        hit = sorted(t for t in flow.targets if t in owners)
        if hit:
            out[name] = (f"writes {obj.name} into its system of record {', '.join(hit)} from "
                         f"{flow.source}, which does not own it (no authorizedInbound)")
    return out


def system_conflicts(model: Model) -> dict[str, str]:
    """Systems that are system of record for an object with an overlapping scope (OWN005)."""
    found: dict[str, set[str]] = {}
    for obj in model.objects.values():
        entries: list[SystemOfRecord] = list(obj.system_of_record)
        for i, a in enumerate(entries):
            for b in entries[i + 1:]:
                if a.system == b.system:
                    continue
                if _overlap(a.plants, b.plants) and _overlap(a.field_groups, b.field_groups):
                    found.setdefault(a.system, set()).add(f"{obj.name} (with {b.system})")
                    found.setdefault(b.system, set()).add(f"{obj.name} (with {a.system})")
    return {
        s: "overlapping system of record for " + ", ".join(sorted(v))
        for s, v in sorted(found.items())
    }


@dataclass(frozen=True)
class Tier1Dependency:
    """A system that tier-1 flows need, with the role it plays in each."""

    system: str
    criticality: str
    flows: tuple[tuple[str, str], ...]  # (flow name, role: source | target | via)


def tier1_dependencies(model: Model) -> list[Tier1Dependency]:
    """Systems below tier-1 whose loss cuts tier-1 flows (source, target or via hop)."""
    found: dict[str, dict[str, str]] = {}
    for name, flow in model.flows.items():
        if flow.criticality != "tier-1":
            continue
        roles = [(flow.source, "source"), *((t, "target") for t in flow.targets),
                 *((h, "via") for h in flow.via)]
        for system, role in roles:
            found.setdefault(system, {}).setdefault(name, role)
    out = []
    for system, flows in sorted(found.items()):
        res = model.systems.get(system)
        if res is None or CRITICALITY_RANK.get(res.criticality, 3) <= 1:
            continue
        out.append(Tier1Dependency(system, res.criticality, tuple(sorted(flows.items()))))
    return out
