"""The jinja2 environment factory, the dumpers and the naming helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jinja2 import UndefinedError

from mfgint.targets import naming
from mfgint.targets.env import make_env, to_json, to_yaml


def test_strict_undefined_fails_loudly() -> None:
    env = make_env()
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing }}").render()
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing | to_yaml }}").render()


def test_user_folder_wins_over_builtin(tmp_path: Path) -> None:
    (tmp_path / "kong").mkdir()
    (tmp_path / "kong" / "team.yaml.j2").write_text("mine {{ team }}\n")
    assert make_env(tmp_path).get_template("kong/team.yaml.j2").render(team="x") == "mine x\n"
    builtin = make_env().get_template("kong/team.yaml.j2")
    assert builtin.filename is not None and "mine" not in Path(builtin.filename).read_text()


def test_dumpers_are_stable_and_round_trip() -> None:
    data = {"b": [1, ("x", "y")], "a": {"z": "yes", "v": "3.0", "t": "line1\nline2"}}
    text = to_yaml(data)
    assert text == to_yaml(dict(data))
    assert yaml.safe_load(text) == {"b": [1, ["x", "y"]],
                                    "a": {"z": "yes", "v": "3.0", "t": "line1\nline2"}}
    assert text.index("b:") < text.index("a:"), "insertion order kept"
    assert to_json({"b": 1, "a": 2}) == '{\n  "a": 2,\n  "b": 1\n}\n'


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b", "..", "", "x" * 300, "Mes Lyon",
                                  "nul\x00", "é"])
def test_safe_segment_never_escapes(name: str) -> None:
    seg = naming.safe_segment(name)
    assert seg and "/" not in seg and seg not in (".", "..") and len(seg) <= 120
    assert all(c.isalnum() or c in "._-" for c in seg)


def test_safe_segment_keeps_good_names_and_separates_bad_ones() -> None:
    assert naming.safe_segment("team-erp") == "team-erp"
    assert naming.safe_segment("a/b") != naming.safe_segment("a-b")


def test_identifiers() -> None:
    assert naming.pascal("work-order") == "WorkOrder"
    assert naming.camel("shipment-to-3pl post") == "shipmentTo3plPost"
    assert naming.snake("3pl-carrier") == "x_3pl_carrier"
    assert naming.upper_snake("mes-lyon-to-odoo") == "MES_LYON_TO_ODOO"
    assert [naming.plural(w) for w in ("work-order", "delivery", "box", "key")] == [
        "work-orders", "deliveries", "boxes", "keys"]
