"""Small hand-built landscapes for the graph tests, written as real spec files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mfgint.compiler.model import Model
from mfgint.config import Config
from mfgint.graph.core import IntegrationGraph
from mfgint.pipeline import compile_specs

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "specs" / "examples"
CHECK_ARTIFACTS = REPO.parent / "shared" / "validators" / "check-artifacts"


def doc(kind: str, name: str, spec: dict[str, Any], owner: str | None = "team-a",
        labels: dict[str, str] | None = None) -> dict[str, Any]:
    """One mfgint/v1 document."""
    meta: dict[str, Any] = {"name": name}
    if owner is not None:
        meta["owner"] = owner
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "mfgint/v1", "kind": kind, "metadata": meta, "spec": spec}


def team(name: str, email: str | None = None) -> dict[str, Any]:
    """A Team with contacts and a one-step escalation."""
    spec: dict[str, Any] = {
        "email": email or f"{name}@acme.example",
        "chat": f"#{name}",
        "onCall": f"pd-{name}",
        "escalation": [{"name": "on-call", "contact": f"pd-{name}", "after": "15m"}],
    }
    return doc("Team", name, spec, owner=None)


def system(name: str, *, zone: str = "it", type_: str = "erp", owner: str = "team-a",
           plants: tuple[str, ...] = (), criticality: str = "tier-2",
           labels: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """A System."""
    spec: dict[str, Any] = {"type": type_, "vendor": "Acme", "zone": zone,
                            "criticality": criticality}
    if plants:
        spec["plants"] = list(plants)
    spec.update(extra)
    return doc("System", name, spec, owner, labels)


def obj(name: str, sor: str | list[dict[str, Any]], owner: str = "team-a") -> dict[str, Any]:
    """A BusinessObject with one version and its system(s) of record."""
    sors = [{"system": sor}] if isinstance(sor, str) else sor
    spec = {
        "domain": "manufacturing",
        "identity": ["name"],
        "systemOfRecord": sors,
        "versions": [
            {"version": "1.0", "status": "active",
             "schema": {"type": "object", "properties": {"name": {"type": "string"}}}},
            {"version": "2.0", "status": "active",
             "schema": {"type": "object", "properties": {"id": {"type": "string"}}}},
        ],
    }
    return doc("BusinessObject", name, spec, owner)


def flow(name: str, object_: str, source: str, targets: str | list[str], *,
         pattern: str = "event", latency: str = "near-realtime", via: list[str] | None = None,
         criticality: str = "tier-3", owner: str = "team-a",
         labels: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """A Flow."""
    spec: dict[str, Any] = {"object": object_, "source": source, "pattern": pattern,
                            "latency": latency, "criticality": criticality}
    if isinstance(targets, str):
        spec["target"] = targets
    else:
        spec["targets"] = targets
    if via:
        spec["via"] = via
    spec.update(extra)
    return doc("Flow", name, spec, owner, labels)


def plant(name: str, owner: str | None = None) -> dict[str, Any]:
    """A Plant."""
    spec = {"code": name[:3].upper(), "country": "FR", "region": "emea",
            "timezone": "Europe/Paris", "zones": ["ot", "dmz", "it"]}
    return doc("Plant", name, spec, owner)


def write(folder: Path, docs: list[dict[str, Any]]) -> Path:
    """Write the documents to ``folder/specs.yaml``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "specs.yaml").write_text(
        yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


def compile_model(folder: Path) -> Model:
    """Compile a folder of specs; the test fails on structural errors."""
    compiled = compile_specs([folder], Config(root=folder))
    bad = [f"{d.span} {d.code} {d.message}" for d in compiled.diagnostics
           if d.code.startswith(("YML", "SCH", "REF"))]
    assert bad == [], bad
    return compiled.model


def compile_examples() -> Model:
    """specs/examples compiled from the repository root, so spans read specs/examples/..."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        return compile_model(Path("specs/examples"))


def build(folder: Path, docs: list[dict[str, Any]]) -> IntegrationGraph:
    """Write, compile and build the graph of a hand-made landscape."""
    return IntegrationGraph(compile_model(write(folder, docs)))
