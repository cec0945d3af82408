"""Check, expand and build stages through compile_specs on small spec sets."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mfgint.pipeline import compile_specs

TEAM = """\
apiVersion: mfgint/v1
kind: Team
metadata: {name: team-erp}
spec: {email: erp@acme.example}
"""
ODOO = """\
apiVersion: mfgint/v1
kind: System
metadata: {name: odoo-erp, owner: team-erp}
spec: {type: erp, vendor: Odoo, version: "17.0", zone: it}
"""


def compile_text(
    tmp_path: Path, *docs: str
) -> tuple[object, list[tuple[str, str, str, str | None]]]:
    text = "\n---\n".join(textwrap.dedent(d).strip("\n") for d in docs) + "\n"
    (tmp_path / "specs.yaml").write_text(text, encoding="utf-8")
    compiled = compile_specs([tmp_path])
    diags = [
        (d.code, f"{d.span.line}:{d.span.col}", d.message, d.hint) for d in compiled.diagnostics
    ]
    return compiled.model, diags


def test_unknown_field_gets_did_you_mean(tmp_path: Path) -> None:
    _, diags = compile_text(tmp_path, TEAM.replace("email:", "emial:"))
    assert diags[0][0] == "SCH002"
    assert diags[0][1] == "4:8"
    assert diags[0][3] == "did you mean 'email'?"


def test_missing_required_names_the_choices(tmp_path: Path) -> None:
    _, diags = compile_text(tmp_path, TEAM, ODOO.replace("type: erp, ", ""))
    ((code, where, message, hint),) = diags
    assert code == "SCH003" and "type" in message and where == "9:1"
    assert hint is not None and "erp" in hint and "mes" in hint


def test_version_float_trap_points_at_value(tmp_path: Path) -> None:
    _, diags = compile_text(tmp_path, TEAM, ODOO.replace('"17.0"', "17.10"))
    ((code, where, message, hint),) = diags
    assert code == "YML003" and where == "9:42"
    assert "17.1" in message and hint == 'quote it: "17.10"'


def test_country_boolean_trap(tmp_path: Path) -> None:
    plant = """\
    apiVersion: mfgint/v1
    kind: Plant
    metadata: {name: oslo, owner: team-erp}
    spec: {code: OSL, country: NO, region: emea, timezone: Europe/Oslo}
    """
    _, diags = compile_text(tmp_path, TEAM, plant)
    assert [(c, h) for c, _, _, h in diags] == [("YML003", 'quote it: "NO"')]


def test_sexagesimal_trap(tmp_path: Path) -> None:
    team = TEAM.replace("spec: {email: erp@acme.example}", "spec: {onCall: 12:30}")
    _, diags = compile_text(tmp_path, team)
    assert diags[0][0] == "YML003" and "base-60" in diags[0][2]


def test_enum_typo_suggests(tmp_path: Path) -> None:
    _, diags = compile_text(tmp_path, TEAM, ODOO.replace("zone: it", "zone: dmzz"))
    assert diags[0][0] == "SCH001" and diags[0][3] == "did you mean 'dmz'?"


def test_unknown_kind_and_api_version(tmp_path: Path) -> None:
    _, diags = compile_text(
        tmp_path,
        "apiVersion: mfgint/v1\nkind: Flwo\nmetadata: {name: x}\nspec: {}\n",
        "apiVersion: mfgint/v2\nkind: Team\nmetadata: {name: y}\nspec: {}\n",
    )
    assert [(d[0], d[3]) for d in diags] == [
        ("SCH004", "did you mean 'Flow'?"),
        ("SCH004", "use `apiVersion: mfgint/v1`"),
    ]


def test_unresolved_reference_and_duplicate_name(tmp_path: Path) -> None:
    _, diags = compile_text(
        tmp_path, TEAM, ODOO.replace("owner: team-erp", "owner: team-epr"), TEAM
    )
    codes = sorted((d[0], d[1]) for d in diags)
    assert codes == [("REF001", "8:35"), ("REF002", "13:18")]
    ref = next(d for d in diags if d[0] == "REF001")
    assert ref[3] == "did you mean 'team-erp'?"


def test_invalid_declaration_does_not_cascade(tmp_path: Path) -> None:
    bad_team = TEAM.replace("email:", "emial:")
    _, diags = compile_text(tmp_path, bad_team, ODOO)
    assert [d[0] for d in diags] == ["SCH002"]


BLUEPRINT = """\
apiVersion: mfgint/v1
kind: Blueprint
metadata: {name: standard-plant, owner: team-erp}
spec:
  parameters:
    - {name: mesVendor}
  resources:
    - apiVersion: mfgint/v1
      kind: System
      metadata: {name: "mes-${plant}", owner: team-erp}
      spec:
        type: mes
        vendor: "${params.mesVendor}"
        zone: ot
        plants: ["${plant}"]
"""


def plant(name: str, params: str = "{mesVendor: Siemens}") -> str:
    return f"""\
apiVersion: mfgint/v1
kind: Plant
metadata: {{name: {name}, owner: team-erp}}
spec:
  code: {name[:3].upper()}
  country: FR
  region: emea
  timezone: Europe/Paris
  blueprints:
    - {{blueprint: standard-plant, parameters: {params}}}
"""


def test_blueprint_expands_per_plant(tmp_path: Path) -> None:
    model, diags = compile_text(tmp_path, TEAM, BLUEPRINT, plant("lyon"), plant("metz"))
    assert diags == []
    systems = model.systems  # type: ignore[attr-defined]
    assert sorted(systems) == ["mes-lyon", "mes-metz"]
    mes = systems["mes-lyon"]
    assert mes.vendor == "Siemens" and mes.plants == ("lyon",)
    assert mes.origin == ("standard-plant", "lyon")
    assert mes.span.line == 15, "spans of expanded resources point into the blueprint"


def test_blueprint_errors_name_the_plant(tmp_path: Path) -> None:
    broken = BLUEPRINT.replace("zone: ot", "zone: ott")
    _, diags = compile_text(tmp_path, TEAM, broken, plant("lyon"))
    ((code, where, message, _),) = diags
    assert code == "SCH001" and where == "19:15"
    assert "(plant lyon, from blueprint standard-plant)" in message


def test_blueprint_parameter_problems(tmp_path: Path) -> None:
    _, diags = compile_text(tmp_path, TEAM, BLUEPRINT, plant("lyon", "{mesVendr: Siemens}"))
    codes = sorted(d[0] for d in diags)
    assert codes == ["REF003", "REF003"]
    assert any("did you mean 'mesVendor'" in (d[3] or "") for d in diags)


def test_unknown_placeholder(tmp_path: Path) -> None:
    broken = BLUEPRINT.replace("${params.mesVendor}", "${params.vendor}")
    _, diags = compile_text(tmp_path, TEAM, broken, plant("lyon"))
    assert [d[0] for d in diags] == ["REF003"]
    assert diags[0][1].startswith("18:")


def test_schema_file_confined_and_loaded(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "item.json").write_text('{"type": "object"}')
    obj = """\
    apiVersion: mfgint/v1
    kind: BusinessObject
    metadata: {name: item, owner: team-erp}
    spec:
      domain: engineering
      identity: [default_code]
      versions:
        - {version: "1.0", schemaFile: schemas/item.json}
        - {version: "2.0", schemaFile: ../../etc/passwd}
        - {version: "3.0", schemaFile: schemas/missing.json}
    """
    model, diags = compile_text(tmp_path, TEAM, obj)
    assert sorted(d[0] for d in diags) == ["REF004", "REF004"]
    assert model.objects["item"].versions[0].schema == {"type": "object"}  # type: ignore[attr-defined]


def test_flows_built_without_init_equal_flows_built_with_it() -> None:
    """The build's fast constructor gives the same Flow as the dataclass constructor."""
    import dataclasses

    from mfgint.compiler.model import Flow

    model = compile_specs([Path(__file__).resolve().parents[2] / "specs" / "examples"]).model
    assert model.flows
    for flow in model.flows.values():
        values = {f.name: getattr(flow, f.name) for f in dataclasses.fields(Flow)}
        rebuilt = Flow(**values)
        assert vars(rebuilt) == vars(flow)
        assert type(rebuilt) is type(flow)
