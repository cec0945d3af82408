"""Tests for the per-kind JSON Schemas and the examples in docs/spec-language.md."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import fastjsonschema
import pytest
import yaml
from jsonschema import Draft202012Validator

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SCHEMAS_DIR = ROOT / "mfgint" / "schemas"
FIXTURES = TESTS / "fixtures" / "schemas"
LANGUAGE_DOC = ROOT / "docs" / "spec-language.md"
GENERATOR = ROOT / "tools" / "gen_schemas.py"

KINDS = {
    "team": "Team",
    "plant": "Plant",
    "system": "System",
    "businessobject": "BusinessObject",
    "flow": "Flow",
    "event": "Event",
    "accesspolicy": "AccessPolicy",
    "workflow": "Workflow",
    "blueprint": "Blueprint",
    "waiver": "Waiver",
}
STEMS = (*KINDS, "config")
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# The keyword subset that both Draft 2020-12 and fastjsonschema's draft-07 mode understand.
ALLOWED_KEYWORDS = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "default", "examples",
    "type", "properties", "required", "additionalProperties", "patternProperties", "items",
    "minItems", "maxItems", "uniqueItems", "enum", "const", "pattern", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "oneOf", "anyOf", "not",
}  # fmt: skip
# Keywords whose value is a map of name -> subschema.
SCHEMA_MAPS = ("properties", "patternProperties", "$defs")
# Keywords whose value is a list of subschemas.
SCHEMA_LISTS = ("oneOf", "anyOf")
# Keywords whose value is one subschema.
SCHEMA_ONE = ("items", "additionalProperties", "not")

# Objects that accept any key, as JSON pointers into their schema file.
OPEN_OBJECTS = {
    "businessobject": {"/properties/spec/properties/versions/items/properties/schema"},
    "blueprint": {
        "/properties/spec/properties/resources/items/properties/metadata",
        "/properties/spec/properties/resources/items/properties/spec",
    },
    "config": {"/properties/rules/properties/options/patternProperties/^[A-Z]{2,5}[0-9]{3}$"},
}
# Typed maps (additionalProperties is a schema), as JSON pointers into their schema file.
TYPED_MAPS = {
    "plant": {"/properties/spec/properties/blueprints/items/properties/parameters"},
}
# Document paths below which any key is accepted ("*" = any list index or key), besides
# metadata.labels in every kind.
OPEN_DOC_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "plant": (("spec", "blueprints", "*", "parameters"),),
    "businessobject": (("spec", "versions", "*", "schema"),),
    "blueprint": (("spec", "resources", "*", "metadata"), ("spec", "resources", "*", "spec")),
    "config": (("rules", "options", "*"),),
}
UNKNOWN_KEY = "zzUnknownKey"


class _Loader(yaml.SafeLoader):
    """YAML 1.1 safe loader that keeps unquoted dates as strings, like the mfgint loader."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(text: str) -> Any:
    """Parse one YAML document."""
    return yaml.load(text, Loader=_Loader)


@cache
def _schema(stem: str) -> dict[str, Any]:
    """Return a committed schema by file stem."""
    schema: dict[str, Any] = json.loads(
        (SCHEMAS_DIR / f"{stem}.schema.json").read_text(encoding="utf-8")
    )
    return schema


@cache
def _json_validator(stem: str) -> Draft202012Validator:
    """Return a Draft 2020-12 validator for a schema."""
    return Draft202012Validator(_schema(stem))


@cache
def _fast_validator(stem: str) -> Callable[[Any], Any]:
    """Return a fastjsonschema validator compiled in draft-07 mode."""
    schema = copy.deepcopy(_schema(stem))
    schema["$schema"] = DRAFT_07
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema)
    return validate


def _fast_ok(stem: str, doc: Any) -> bool:
    """Return whether fastjsonschema accepts doc (on a copy: it fills in defaults)."""
    try:
        _fast_validator(stem)(copy.deepcopy(doc))
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def _json_ok(stem: str, doc: Any) -> bool:
    """Return whether jsonschema accepts doc."""
    return bool(_json_validator(stem).is_valid(doc))


def _subschemas(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (JSON pointer, subschema) for node and every schema nested in it."""
    if not isinstance(node, dict):
        return
    yield pointer, node
    for key in SCHEMA_MAPS:
        for name, sub in node.get(key, {}).items():
            yield from _subschemas(sub, f"{pointer}/{key}/{name}")
    for key in SCHEMA_LISTS:
        for index, sub in enumerate(node.get(key, [])):
            yield from _subschemas(sub, f"{pointer}/{key}/{index}")
    for key in SCHEMA_ONE:
        yield from _subschemas(node.get(key), f"{pointer}/{key}")


def _fixture(stem: str) -> dict[str, list[dict[str, Any]]]:
    """Return the sample documents of one schema."""
    data: dict[str, list[dict[str, Any]]] = _load_yaml(
        (FIXTURES / f"{stem}.yaml").read_text(encoding="utf-8")
    )
    return data


def _cases(group: str) -> list[Any]:
    """Return pytest params for every valid or invalid sample."""
    return [
        pytest.param(stem, case, id=f"{stem}-{case['name']}")
        for stem in STEMS
        for case in _fixture(stem)[group]
    ]


def _doc_path(text: str) -> list[str | int]:
    """Turn a dotted path ("spec.steps.0") into a list of keys and indexes."""
    return [int(p) if p.isdigit() else p for p in text.split(".")] if text else []


def _dict_paths(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Yield the path of every mapping in a document (list indexes as strings)."""
    if isinstance(node, dict):
        yield path
        for key, value in node.items():
            yield from _dict_paths(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _dict_paths(value, (*path, str(index)))


def _is_open(stem: str, path: tuple[str, ...]) -> bool:
    """Return whether path lies in a part of the document that accepts any key."""
    for prefix in (("metadata", "labels"), *OPEN_DOC_PATHS.get(stem, ())):
        if len(path) >= len(prefix) and all(
            p in ("*", q) for p, q in zip(prefix, path, strict=False)
        ):
            return True
    return False


def _with_key(doc: Any, path: tuple[str, ...], key: str) -> Any:
    """Return a copy of doc with key added to the mapping at path."""
    out = copy.deepcopy(doc)
    node = out
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[key] = "x"
    return out


def _load_generator() -> ModuleType:
    """Import tools/gen_schemas.py by path."""
    spec = importlib.util.spec_from_file_location("gen_schemas", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _doc_examples() -> list[tuple[int, str, Any]]:
    """Return (block number, schema stem, document) for each example in the language doc."""
    text = LANGUAGE_DOC.read_text(encoding="utf-8")
    found = []
    for number, block in enumerate(re.findall(r"^```yaml\n(.*?)^```", text, re.M | re.S)):
        is_config = block.startswith("# mfgint.yaml")
        for doc in yaml.load_all(block, Loader=_Loader):
            if is_config:
                found.append((number, "config", doc))
            elif isinstance(doc, dict) and "apiVersion" in doc:
                found.append((number, str(doc.get("kind", "")).lower(), doc))
    return found


# ---------------------------------------------------------------- the files


def test_one_file_per_kind_and_nothing_shared() -> None:
    """Every kind has its schema file, and there is no shared schema file."""
    files = {p.name for p in SCHEMAS_DIR.glob("*.json")}
    assert files == {f"{stem}.schema.json" for stem in STEMS}


def test_generated_files_are_up_to_date() -> None:
    """The committed JSON equals what tools/gen_schemas.py writes."""
    generator = _load_generator()
    for stem, schema in generator.build_schemas().items():
        committed = (SCHEMAS_DIR / f"{stem}.schema.json").read_text(encoding="utf-8")
        assert committed == generator.render(schema), (
            f"{stem}.schema.json is stale: run python tools/gen_schemas.py"
        )


@pytest.mark.parametrize("stem", STEMS)
def test_schema_is_valid_draft_2020_12(stem: str) -> None:
    """The schema passes the 2020-12 metaschema."""
    Draft202012Validator.check_schema(_schema(stem))


@pytest.mark.parametrize("stem", STEMS)
def test_header(stem: str) -> None:
    """The schema declares its dialect, id, title and description."""
    schema = _schema(stem)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://mfgint.dev/schemas/v1/{stem}.schema.json"
    assert schema["title"].strip()
    assert schema["description"].strip()


@pytest.mark.parametrize("stem", list(KINDS))
def test_kind_envelope(stem: str) -> None:
    """A kind schema requires apiVersion, kind, metadata and spec with fixed constants."""
    schema = _schema(stem)
    assert schema["required"] == ["apiVersion", "kind", "metadata", "spec"]
    assert schema["properties"]["apiVersion"]["const"] == "mfgint/v1"
    assert schema["properties"]["kind"]["const"] == KINDS[stem]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("stem", STEMS)
def test_self_contained_refs(stem: str) -> None:
    """Every $ref points into the file's own $defs, and every $def is used."""
    schema = _schema(stem)
    text = json.dumps(schema)
    refs = set(re.findall(r'"\$ref": "([^"]*)"', text))
    assert all(r.startswith("#/$defs/") for r in refs), refs
    defs = set(schema.get("$defs", {}))
    assert {r.removeprefix("#/$defs/") for r in refs} == defs


@pytest.mark.parametrize("stem", STEMS)
def test_keyword_subset(stem: str) -> None:
    """Only keywords that fastjsonschema's draft-07 mode understands, used the same way."""
    for pointer, node in _subschemas(_schema(stem)):
        unknown = set(node) - ALLOWED_KEYWORDS
        assert not unknown, f"{pointer}: {unknown}"
        if "$ref" in node:
            assert set(node) <= {"$ref", "description"}, f"{pointer}: keywords beside $ref"
        assert not isinstance(node.get("items"), list), f"{pointer}: array-form items"


@pytest.mark.parametrize("stem", STEMS)
def test_every_subschema_has_a_description(stem: str) -> None:
    """Editors show a description on hover for every property at every level."""
    for pointer, node in _subschemas(_schema(stem)):
        if pointer:
            description = node.get("description")
            assert isinstance(description, str), f"{pointer}: no description"
            assert description.strip(), f"{pointer}: empty description"


@pytest.mark.parametrize("stem", STEMS)
def test_objects_are_closed(stem: str) -> None:
    """additionalProperties is false on every object except the documented open ones."""
    open_found, maps_found = set(), set()
    for pointer, node in _subschemas(_schema(stem)):
        if "properties" in node or "patternProperties" in node:
            assert node.get("additionalProperties") is False, pointer
        elif node.get("type") == "object":
            if isinstance(node.get("additionalProperties"), dict):
                maps_found.add(pointer)
            else:
                open_found.add(pointer)
    assert open_found == OPEN_OBJECTS.get(stem, set())
    labels = {"/$defs/labels"} if "labels" in _schema(stem).get("$defs", {}) else set()
    assert maps_found == TYPED_MAPS.get(stem, set()) | labels


@pytest.mark.parametrize("stem", STEMS)
def test_compiles_with_fastjsonschema_draft_07(stem: str) -> None:
    """The run-time compiler accepts the schema."""
    assert callable(_fast_validator(stem))


# ---------------------------------------------------------------- sample documents


@pytest.mark.parametrize("stem", STEMS)
def test_enough_samples(stem: str) -> None:
    """Each schema has at least 3 valid and 5 invalid sample documents."""
    fixture = _fixture(stem)
    assert len(fixture["valid"]) >= 3
    assert len(fixture["invalid"]) >= 5


@pytest.mark.parametrize(("stem", "case"), _cases("valid"))
def test_valid_sample(stem: str, case: dict[str, Any]) -> None:
    """Both validators accept a valid sample."""
    errors = [e.message for e in _json_validator(stem).iter_errors(case["doc"])]
    assert not errors
    assert _fast_ok(stem, case["doc"])


@pytest.mark.parametrize(("stem", "case"), _cases("invalid"))
def test_invalid_sample(stem: str, case: dict[str, Any]) -> None:
    """Both validators reject an invalid sample, for the expected reason."""
    doc = case["doc"]
    assert not _json_ok(stem, doc)
    assert not _fast_ok(stem, doc)
    paths = [list(e.absolute_path) for e in _json_validator(stem).iter_errors(doc)]
    assert _doc_path(case["at"]) in paths, paths


@pytest.mark.parametrize("stem", STEMS)
def test_unknown_key_is_rejected_everywhere(stem: str) -> None:
    """Adding an unknown key to any closed mapping of a valid sample makes it invalid."""
    checked = 0
    for case in _fixture(stem)["valid"]:
        for path in _dict_paths(case["doc"]):
            if _is_open(stem, path):
                continue
            doc = _with_key(case["doc"], path, UNKNOWN_KEY)
            assert not _json_ok(stem, doc), (case["name"], path)
            assert not _fast_ok(stem, doc), (case["name"], path)
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("stem", STEMS)
def test_open_parts_accept_unknown_keys(stem: str) -> None:
    """The documented open mappings really accept any key."""
    for case in _fixture(stem)["valid"]:
        for path in _dict_paths(case["doc"]):
            if _is_open(stem, path):
                doc = _with_key(case["doc"], path, UNKNOWN_KEY)
                assert _json_ok(stem, doc), (case["name"], path)
                assert _fast_ok(stem, doc), (case["name"], path)


# ---------------------------------------------------------------- the language reference


def test_doc_has_an_example_per_kind_and_config() -> None:
    """docs/spec-language.md shows a complete example of every kind and of mfgint.yaml."""
    shown = {stem for _, stem, _ in _doc_examples()}
    assert set(STEMS) <= shown


@pytest.mark.parametrize(
    ("stem", "doc"),
    [pytest.param(stem, doc, id=f"block{n}-{stem}") for n, stem, doc in _doc_examples()],
)
def test_doc_example_is_valid(stem: str, doc: Any) -> None:
    """Every example in the language reference validates against its schema."""
    assert stem in STEMS, f"unknown kind {stem!r}"
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in _json_validator(stem).iter_errors(doc)
    ]
    assert not errors
    assert _fast_ok(stem, doc)
