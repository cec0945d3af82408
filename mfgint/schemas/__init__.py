"""The JSON Schemas of the spec language, shipped with the package."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

KINDS: tuple[str, ...] = (
    "Team",
    "Plant",
    "System",
    "BusinessObject",
    "Flow",
    "Event",
    "AccessPolicy",
    "Workflow",
    "Blueprint",
    "Waiver",
)
API_VERSION = "mfgint/v1"
BUNDLE_ID = "https://mfgint.dev/schemas/v1/bundle.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema for a kind (``Flow``) or for ``config``, parsed from the package data."""
    text = resources.files(__package__).joinpath(f"{name.lower()}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def bundle() -> dict[str, Any]:
    """One schema for every kind, for yaml-language-server: dispatches on ``kind``."""
    defs: dict[str, Any] = {}
    for kind in KINDS:
        schema = copy.deepcopy(load_schema(kind))
        schema.pop("$schema", None)
        schema.pop("$id", None)
        defs[kind] = _rebase_refs(schema, f"#/$defs/{kind}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BUNDLE_ID,
        "title": "mfgint spec document (any kind)",
        "description": "Any mfgint/v1 resource document; the schema used depends on `kind`.",
        "type": "object",
        "required": ["apiVersion", "kind"],
        "properties": {
            "apiVersion": {"const": API_VERSION, "description": "Always mfgint/v1."},
            "kind": {"enum": list(KINDS), "description": "The resource kind."},
        },
        "oneOf": [
            {
                "description": f"A {kind} document.",
                "properties": {"kind": {"const": kind}},
                "allOf": [{"$ref": f"#/$defs/{kind}"}],
            }
            for kind in KINDS
        ],
        "$defs": defs,
    }


def _rebase_refs(node: Any, base: str) -> Any:
    """Rewrite ``#/...`` references so they resolve inside the bundle's ``$defs``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
                out[key] = base + value[1:]
            else:
                out[key] = _rebase_refs(value, base)
        return out
    if isinstance(node, list):
        return [_rebase_refs(v, base) for v in node]
    return node
