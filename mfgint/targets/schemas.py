"""BusinessObject JSON Schemas for API contracts: component names, embedding and examples."""

from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Mapping
from typing import Any

import jsonschema
from jsonschema.validators import validator_for

from mfgint.compiler.model import BusinessObject, Model, ObjectRef, SchemaVersion
from mfgint.targets.naming import pascal

_SAFE_KEY_RX = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_DEPTH = 8
_sre: Any = importlib.import_module("re._parser")

FORMAT_EXAMPLES = {
    "date-time": "2026-01-15T08:30:00Z",
    "date": "2026-01-15",
    "time": "08:30:00Z",
    "email": "integration@example.com",
    "idn-email": "integration@example.com",
    "uri": "https://example.com/resource/1",
    "uri-reference": "https://example.com/resource/1",
    "iri": "https://example.com/resource/1",
    "url": "https://example.com/resource/1",
    "uuid": "3f0c2b1e-8d4a-4c6b-9f1e-2a7d5c9b0e41",
    "hostname": "host.example.com",
    "ipv4": "192.0.2.10",
    "ipv6": "2001:db8::10",
    "duration": "PT15M",
}


def resolve_version(model: Model, ref: ObjectRef) -> tuple[BusinessObject, SchemaVersion] | None:
    """The object and schema version a reference means, or None when unknown."""
    obj = model.objects.get(ref.name)
    if obj is None:
        return None
    version = obj.resolve(ref)
    return (obj, version) if version is not None else None


def component_name(obj: str, version: SchemaVersion, with_minor: bool = False) -> str:
    """``work-order`` 2.0 -> ``WorkOrderV2`` (``WorkOrderV2_1`` when minors must be told apart)."""
    base = f"{pascal(obj)}V{version.major}"
    return f"{base}_{version.minor}" if with_minor else base


def schema_uri(obj: str, version: SchemaVersion) -> str:
    """The schema's ``$id`` when it has one, else a stable URN naming object and version."""
    schema = version.schema or {}
    ident = schema.get("$id") if isinstance(schema, Mapping) else None
    if isinstance(ident, str) and ident:
        return ident
    return f"urn:mfgint:schema:{obj}:{version.version}"


def _safe_key(text: str) -> str:
    return _SAFE_KEY_RX.sub("_", text) or "_"


def embed(schema: Mapping[str, Any] | None, name: str, prefix: str) -> dict[str, Any]:
    """Components for one schema: itself under ``name`` plus its ``$defs`` as ``name_DEF``.

    ``$schema``/``$id`` are dropped (they would change how the embedded schema resolves) and
    local ``$ref``s are rewritten to point into ``prefix`` (``#/components/schemas/``).
    """
    if not isinstance(schema, Mapping) or not schema:
        return {name: {"type": "object", "description": "No schema declared for this version."}}
    doc = copy.deepcopy(dict(schema))
    defs: dict[str, Any] = {}
    for key in ("$defs", "definitions"):
        found = doc.pop(key, None)
        if isinstance(found, Mapping):
            for def_name, def_schema in found.items():
                defs[f"{key}/{def_name}"] = def_schema
    def rewrite(node: Any) -> Any:
        if isinstance(node, Mapping):
            out: dict[str, Any] = {}
            for k, v in node.items():
                if k in ("$schema", "$id"):
                    continue
                if k == "$ref" and isinstance(v, str):
                    out[k] = _rewrite_ref(v, name, prefix)
                else:
                    out[k] = rewrite(v)
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node
    components = {name: rewrite(doc)}
    for key in sorted(defs):
        components[f"{name}_{_safe_key(key.split('/', 1)[1])}"] = rewrite(defs[key])
    return components


def _rewrite_ref(ref: str, name: str, prefix: str) -> str:
    if ref == "#":
        return f"{prefix}{name}"
    for key in ("$defs", "definitions"):
        head = f"#/{key}/"
        if ref.startswith(head):
            rest = ref[len(head):]
            def_name, _, tail = rest.partition("/")
            target = f"{prefix}{name}_{_safe_key(def_name)}"
            return f"{target}/{tail}" if tail else target
    if ref.startswith("#/"):
        return f"{prefix}{name}{ref[1:]}"
    return ref


# --- examples ------------------------------------------------------------------------------


def example_for(schema: Mapping[str, Any] | None) -> Any:
    """An example instance valid against ``schema``, or None when none could be made."""
    if not isinstance(schema, Mapping) or not schema:
        return None
    for required_only in (False, True):
        try:
            candidate = _example(schema, schema, 0, required_only)
        except (RecursionError, ValueError, TypeError, KeyError):
            continue
        if candidate is not None and _valid(schema, candidate):
            return candidate
    return None


def _valid(schema: Mapping[str, Any], instance: Any) -> bool:
    try:
        cls = validator_for(schema, default=jsonschema.Draft202012Validator)
        validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
        return not any(True for _ in validator.iter_errors(instance))
    except Exception:  # a schema we cannot check gets no example
        return False


def _resolve_ref(root: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    if not ref.startswith("#"):
        raise ValueError(f"external $ref {ref!r}")
    node: Any = root
    for part in [p for p in ref[1:].split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    if not isinstance(node, Mapping):
        raise ValueError(f"$ref {ref!r} does not point at a schema")
    return node


def _example(node: Mapping[str, Any], root: Mapping[str, Any], depth: int,
             required_only: bool) -> Any:
    if depth > _MAX_DEPTH:
        raise ValueError("schema nests too deeply for an example")
    if "$ref" in node and isinstance(node["$ref"], str):
        return _example(_resolve_ref(root, node["$ref"]), root, depth + 1, required_only)
    for key in ("const",):
        if key in node:
            return node[key]
    for key in ("examples",):
        if isinstance(node.get(key), list) and node[key]:
            return node[key][0]
    for key in ("example", "default"):
        if key in node:
            return node[key]
    if isinstance(node.get("enum"), list) and node["enum"]:
        return node["enum"][0]
    for key in ("oneOf", "anyOf"):
        if isinstance(node.get(key), list) and node[key]:
            return _example(node[key][0], root, depth + 1, required_only)
    if isinstance(node.get("allOf"), list) and node["allOf"]:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            value = _example(part, root, depth + 1, required_only)
            if isinstance(value, dict):
                merged.update(value)
            elif value is not None:
                return value
        return merged
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in node else "string"
    if kind == "object":
        found = node.get("properties")
        props: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        required = [r for r in node.get("required", []) if isinstance(r, str)]
        names = required if required_only else [*props, *(r for r in required if r not in props)]
        out: dict[str, Any] = {}
        for key in names:
            sub = props.get(key, {})
            out[key] = _example(sub, root, depth + 1, required_only) if sub else "example"
        return out
    if kind == "array":
        items = node.get("items")
        if not isinstance(items, Mapping):
            return []
        count = max(1, int(node.get("minItems", 1)))
        value = _example(items, root, depth + 1, required_only)
        return [value] * count
    if kind == "integer":
        return int(_number(node, integer=True))
    if kind == "number":
        return _number(node, integer=False)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(node)


def _number(node: Mapping[str, Any], integer: bool) -> int | float:
    low = node.get("minimum")
    ex_low = node.get("exclusiveMinimum")
    high = node.get("maximum")
    ex_high = node.get("exclusiveMaximum")
    value: float = 1
    if isinstance(low, (int, float)):
        value = low
    elif isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
        value = ex_low + 1
    if isinstance(high, (int, float)) and value > high:
        value = high
    if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool) and value >= ex_high:
        value = ex_high - 1
    if integer or float(value).is_integer():
        return int(value)
    return value


def _string(node: Mapping[str, Any]) -> str:
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES:
        return FORMAT_EXAMPLES[fmt]
    pattern = node.get("pattern")
    text = "example"
    if isinstance(pattern, str):
        made = pattern_example(pattern)
        if made is not None:
            text = made
    low = node.get("minLength")
    high = node.get("maxLength")
    if isinstance(low, int) and len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


def pattern_example(pattern: str) -> str | None:
    """A string matching a (simple) regular expression, or None."""
    try:
        parsed = _sre.parse(pattern)
        text = _emit(list(parsed), 0)
    except (re.error, ValueError, TypeError, IndexError, RecursionError):
        return None
    return text if re.search(pattern, text) else None


_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
}


def _emit(items: list[Any], depth: int) -> str:
    if depth > 20:
        raise ValueError("pattern too deep")
    out: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("x")
        elif name == "IN":
            out.append(_in_char(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            out.append(_emit(list(sub), depth + 1) * int(low))
        elif name == "SUBPATTERN":
            out.append(_emit(list(arg[-1]), depth + 1))
        elif name == "BRANCH":
            out.append(_emit(list(arg[1][0]), depth + 1))
        elif name == "AT":
            continue
        elif name == "CATEGORY":
            out.append(_CATEGORY_CHARS.get(str(arg), "a"))
        elif name == "ATOMIC_GROUP":
            out.append(_emit(list(arg), depth + 1))
        else:
            raise ValueError(f"unsupported regex construct {name}")
    return "".join(out)


def _in_char(arg: list[Any]) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in arg)
    if negate:
        banned: set[str] = set()
        for op, value in arg:
            if str(op) == "LITERAL":
                banned.add(chr(value))
            elif str(op) == "RANGE":
                banned.update(chr(c) for c in range(value[0], value[1] + 1))
        for c in "aA0-_x ":
            if c not in banned:
                return c
        raise ValueError("no character fits a negated class")
    for op, value in arg:
        kind = str(op)
        if kind == "LITERAL":
            return chr(value)
        if kind == "RANGE":
            return chr(value[0])
        if kind == "CATEGORY":
            return _CATEGORY_CHARS.get(str(value), "a")
    raise ValueError("empty character class")
