"""`mfgint schema`: per-kind schemas and the editor bundle accept the example landscape."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from typer.testing import CliRunner

from mfgint.cli import app
from mfgint.schemas import KINDS

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "specs" / "examples"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def example_documents() -> list[dict[str, object]]:
    docs = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        if path.name == "mfgint.yaml":
            continue
        docs.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    return docs


def test_bundle_accepts_every_example_document() -> None:
    code, out, _ = invoke("schema", "--bundle")
    assert code == 0
    bundle = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(bundle)
    validator = jsonschema.Draft202012Validator(bundle)
    docs = example_documents()
    assert len(docs) > 50
    for doc in docs:
        errors = list(validator.iter_errors(doc))
        assert not errors, (doc.get("kind"), errors[0].message)


def test_bundle_rejects_a_typo() -> None:
    _, out, _ = invoke("schema", "--bundle")
    validator = jsonschema.Draft202012Validator(json.loads(out))
    doc = {"apiVersion": "mfgint/v1", "kind": "Team", "metadata": {"name": "t"},
           "spec": {"emial": "x@y.example"}}
    assert list(validator.iter_errors(doc))


def test_per_kind_and_out_dir(tmp_path: Path) -> None:
    code, out, _ = invoke("schema", "flow")
    assert code == 0 and json.loads(out)["title"]
    code, _, err = invoke("schema", "Flwo")
    assert code == 2 and "Flow" in err
    code, _, _ = invoke("schema", "--out-dir", str(tmp_path))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{k.lower()}.schema.json" for k in (*KINDS, "config")] + ["bundle.schema.json"]
    )
