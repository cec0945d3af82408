"""Rule registry invariants, plugin families through entry points, and per-file overrides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from mfgint.compiler.model import Model
from mfgint.config import Config, Override, load_config
from mfgint.diagnostics import Diagnostic, Severity
from mfgint.pipeline import validate
from mfgint.validators import BUILTIN_FAMILIES
from mfgint.validators import registry as registry_module
from mfgint.validators.cases import base_specs
from mfgint.validators.engine import Selection
from mfgint.validators.registry import Family, Registry, RegistryError, RuleContext

ACME = Family("ACM", "acme", "Acme's own conventions.")


@ACME.rule(
    code="ACM001",
    name="flow-needs-description",
    severity=Severity.WARNING,
    summary="Every flow has a description.",
    explanation="Acme documents every flow for its operations handbook.",
)
def _flow_needs_description(ctx: RuleContext) -> Iterator[Diagnostic]:
    model: Model = ctx.model
    for flow in model.flows.values():
        if not flow.meta.description:
            yield ctx.diag(flow, (), f"Flow '{flow.name}' has no description")


class _FakeEntryPoint:
    def __init__(self, name: str, value: object) -> None:
        self.name = name
        self._value = value

    def load(self) -> object:
        return self._value


def test_builtin_families_come_through_the_entry_point() -> None:
    names = {ep.name for ep in metadata.entry_points(group="mfgint.rules")}
    assert "builtin" in names


def test_plugin_family_is_registered_and_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    eps = [_FakeEntryPoint("builtin", BUILTIN_FAMILIES), _FakeEntryPoint("acme", [ACME])]
    monkeypatch.setattr(registry_module.metadata, "entry_points", lambda group: eps)
    registry = Registry(registry_module.load_families())
    assert registry.get("ACM001") is not None
    (tmp_path / "base.yaml").write_text(base_specs(), encoding="utf-8")
    run = validate([tmp_path], config=Config(root=tmp_path), today=dt.date(2026, 11, 28),
                   registry=registry)
    assert {d.code for d in run.outcome.diagnostics} == {"ACM001"}


def test_duplicate_and_malformed_codes_are_refused() -> None:
    twin = Family("OWN", "ownership-copy", "copy")
    twin.rules.append(BUILTIN_FAMILIES[4].rules[0])
    with pytest.raises(RegistryError):
        Registry([*BUILTIN_FAMILIES, twin])
    bad = Family("X", "x", "x")
    with pytest.raises(ValueError, match="prefix"):
        bad.rule("Y001", "y", Severity.INFO, "y", "y")(lambda ctx: iter(()))


WEAK = """\
apiVersion: mfgint/v1
kind: AccessPolicy
metadata: {name: carrier-callback, owner: team-erp}
spec:
  principal: {kind: partner, name: carrier}
  target: odoo-erp
  via: kong-gw
  grants:
    - {object: shipment, actions: [update]}
  auth: {method: api-key, credentialRef: "vault://kv/carrier", rotation: 90d}
  rateLimit: {requests: 60, per: minute}
"""


def test_overrides_apply_by_file_glob(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(base_specs(), encoding="utf-8")
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "partner.yaml").write_text(WEAK, encoding="utf-8")
    config = Config(
        root=tmp_path, overrides=(Override(("legacy/**",), {"SEC003": Severity.INFO}),)
    )
    run = validate([tmp_path], config=config, today=dt.date(2026, 11, 28),
                   selection=Selection(cli_select=("SEC003",)))
    assert [(d.code, d.severity) for d in run.outcome.diagnostics] == [("SEC003", Severity.INFO)]


def test_config_file_round_trip(tmp_path: Path) -> None:
    cfg = tmp_path / "mfgint.yaml"
    cfg.write_text(
        "rules:\n  select: [SEC]\n  severity: {SEC003: warning, RES: off}\n"
        "  options: {SEC004: {maxDays: 30}}\n"
        "overrides:\n  - files: ['legacy/**']\n    severity: {SEC: info}\n",
        encoding="utf-8",
    )
    config = load_config(cfg, tmp_path)
    assert config.select == ("SEC",)
    assert config.severity == {"SEC003": Severity.WARNING, "RES": None}
    assert config.options == {"SEC004": {"maxDays": 30}}
    assert config.overrides[0].files == ("legacy/**",)
