"""Waivers: in force, expired, stale; and how selection and severity settings apply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mfgint.config import Config
from mfgint.diagnostics import Severity
from mfgint.pipeline import validate
from mfgint.validators.cases import base_specs
from mfgint.validators.engine import Selection

WEAK_POLICY = """\
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


def waiver(expires: str, rule: str = "SEC003", target: str = "carrier-callback") -> str:
    return f"""\
apiVersion: mfgint/v1
kind: Waiver
metadata: {{name: carrier-api-key, owner: team-erp}}
spec:
  rule: {rule}
  target: {{kind: AccessPolicy, name: {target}}}
  reason: Carrier offers API keys only until its OAuth2 rollout.
  approver: ciso@acme.example
  expires: "{expires}"
"""


def run(tmp_path: Path, *docs: str, config: Config | None = None, **kw: object) -> list[tuple]:
    (tmp_path / "base.yaml").write_text(base_specs(), encoding="utf-8")
    (tmp_path / "case.yaml").write_text("\n---\n".join(docs), encoding="utf-8")
    result = validate(
        [tmp_path],
        config=config or Config(root=tmp_path),
        today=dt.date(2026, 11, 28),
        **kw,  # type: ignore[arg-type]
    )
    return [
        (d.code, d.severity.label, d.waived, d.span.line, Path(d.span.file).name)
        for d in result.outcome.diagnostics
    ]


def codes(found: list[tuple]) -> list[str]:
    return sorted(f[0] + ("(waived)" if f[2] else "") for f in found)


def sec(found: list[tuple]) -> list[str]:
    return [c for c in codes(found) if c.startswith(("SEC003", "WVR"))]


def test_finding_without_waiver(tmp_path: Path) -> None:
    assert sec(run(tmp_path, WEAK_POLICY)) == ["SEC003"]


def test_waiver_in_force_reports_waived(tmp_path: Path) -> None:
    assert sec(run(tmp_path, WEAK_POLICY, waiver("2027-05-31"))) == ["SEC003(waived)"]


def test_expired_waiver_stops_waiving_and_is_reported(tmp_path: Path) -> None:
    found = run(tmp_path, WEAK_POLICY, waiver("2026-11-01"))
    assert sec(found) == ["SEC003", "WVR001"]
    wvr = next(f for f in found if f[0] == "WVR001")
    assert wvr[3] == 22 and wvr[4] == "case.yaml", "points at the expires line"


def test_stale_waiver_is_reported(tmp_path: Path) -> None:
    found = run(tmp_path, WEAK_POLICY, waiver("2027-05-31", rule="SEC006"))
    assert sec(found) == ["SEC003", "WVR002"]


def test_waiver_for_unselected_rule_is_not_stale(tmp_path: Path) -> None:
    found = run(
        tmp_path, WEAK_POLICY, waiver("2027-05-31"), selection=Selection(cli_ignore=("SEC",))
    )
    assert sec(found) == []


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ((), ("SEC",), []),
        ((), ("SEC003",), []),
        (("SEC003",), (), ["SEC003"]),
        (("SEC",), ("SEC003",), []),
        (("SEC003",), ("SEC",), ["SEC003"]),  # the longer prefix wins
        (("security",), (), ["SEC003"]),  # family names work too
    ],
)
def test_select_ignore_longest_prefix_wins(
    tmp_path: Path, select: tuple[str, ...], ignore: tuple[str, ...], expected: list[str]
) -> None:
    found = run(tmp_path, WEAK_POLICY, selection=Selection(cli_select=select, cli_ignore=ignore))
    assert sec(found) == expected


def test_severity_overrides_by_code_family_and_file(tmp_path: Path) -> None:
    cfg = Config(root=tmp_path, severity={"SEC": Severity.INFO})
    found = run(tmp_path, WEAK_POLICY, config=cfg)
    assert [f[1] for f in found if f[0] == "SEC003"] == ["info"]
    cfg = Config(root=tmp_path, severity={"SEC": Severity.INFO, "SEC003": Severity.WARNING})
    found = run(tmp_path, WEAK_POLICY, config=cfg)
    assert [f[1] for f in found if f[0] == "SEC003"] == ["warning"]
    cfg = Config(root=tmp_path, severity={"SEC003": None})
    assert sec(run(tmp_path, WEAK_POLICY, config=cfg)) == []
