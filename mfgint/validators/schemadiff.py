"""Compare two JSON Schemas and classify each change as breaking for readers or writers.

Vocabulary follows Confluent Schema Registry. A change breaks *backward* compatibility when a
consumer using the new schema may reject data produced with the old one, and *forward*
compatibility when a consumer using the old schema may reject data produced with the new one.
Each change is therefore judged twice, once per reader/writer pairing.

Scope: ``type``, ``enum`` / ``const``, ``required``, ``properties`` (recursively),
``additionalProperties: false`` / ``unevaluatedProperties: false`` with ``patternProperties``,
``items`` (recursively), numeric and length bounds, ``pattern``, ``multipleOf`` and
``uniqueItems``. Nodes with ``$ref`` or combinators (``anyOf``, ``oneOf``, ``allOf``, ``not``)
are not compared. One relaxation from Confluent: adding an optional property to an open
object is not reported, because producers are expected not to send undeclared properties.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BACKWARD = "backward"
FORWARD = "forward"
BOTH = frozenset({BACKWARD, FORWARD})
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_OPAQUE = ("$ref", "anyOf", "oneOf", "allOf", "not", "if")
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two schemas and the directions it breaks."""

    path: str  # field path such as ``lines[].quantity``; empty for the root
    kind: str  # stable identifier: property-removed, type-changed, enum-narrowed, ...
    detail: str  # what changed, old to new, in words
    breaks: frozenset[str]  # subset of {"backward", "forward"}; empty = compatible

    def describe(self) -> str:
        """``path: detail``, or the detail alone at the root."""
        return f"{self.path}: {self.detail}" if self.path else self.detail


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new`` that the comparison understands, in path order."""
    out: list[Change] = []
    _node(old, new, "", out, 0)
    return out


def breaking_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], direction: str
) -> list[Change]:
    """Changes from ``old`` to ``new`` that break ``direction`` (backward or forward)."""
    return [c for c in diff(old, new) if direction in c.breaks]


def directions_for(mode: str) -> frozenset[str]:
    """Directions a compatibility mode requires (``full-transitive`` -> both)."""
    base = mode.removesuffix("-transitive")
    if base == "full":
        return BOTH
    if base in (BACKWARD, FORWARD):
        return frozenset({base})
    return frozenset()


def is_transitive(mode: str) -> bool:
    """True for modes checked against every earlier version, not only the previous one."""
    return mode.endswith("-transitive")


# --- node comparison -------------------------------------------------------------------------


def _node(old: Any, new: Any, path: str, out: list[Change], depth: int) -> None:
    if depth > MAX_DEPTH or not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return
    if any(k in old or k in new for k in _OPAQUE):
        return
    types_compatible = _types(old, new, path, out)
    _enum(old, new, path, out)
    _bounds(old, new, path, out)
    _pattern(old, new, path, out)
    _multiple_of(old, new, path, out)
    _unique_items(old, new, path, out)
    if not types_compatible:
        return  # an object that became a string: its properties no longer compare
    _object(old, new, path, out, depth)
    old_items, new_items = old.get("items"), new.get("items")
    if isinstance(old_items, Mapping) and isinstance(new_items, Mapping):
        _node(old_items, new_items, f"{path}[]" if path else "[]", out, depth + 1)


def _type_set(schema: Mapping[str, Any]) -> frozenset[str] | None:
    """Declared types, or None when any type is allowed."""
    t = schema.get("type")
    if isinstance(t, str):
        return frozenset({t})
    if isinstance(t, list) and all(isinstance(x, str) for x in t):
        return frozenset(t)
    return None


def _accepts(reader: frozenset[str] | None, writer: frozenset[str] | None) -> bool:
    """True when every value of the writer's types is of one of the reader's types."""
    if reader is None:
        return True
    if writer is None:
        return False
    return all(t in reader or (t == "integer" and "number" in reader) for t in writer)


def _types(old: Mapping[str, Any], new: Mapping[str, Any], path: str, out: list[Change]) -> bool:
    """Record a type change; False when the two types have nothing in common."""
    t_old, t_new = _type_set(old), _type_set(new)
    if t_old == t_new:
        return True
    breaks = set()
    if not _accepts(t_new, t_old):
        breaks.add(BACKWARD)
    if not _accepts(t_old, t_new):
        breaks.add(FORWARD)
    out.append(Change(path, "type-changed",
                      f"type changed from {_fmt_types(t_old)} to {_fmt_types(t_new)}",
                      frozenset(breaks)))
    return t_old is None or t_new is None or bool(_widen(t_old) & _widen(t_new))


def _widen(types: frozenset[str]) -> frozenset[str]:
    return types | {"number"} if "integer" in types else types


def _fmt_types(types: frozenset[str] | None) -> str:
    if types is None:
        return "any"
    return "/".join(sorted(types))


def _enum_values(schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """Allowed values by canonical JSON text, from ``enum`` or ``const``; None = unrestricted."""
    if "const" in schema:
        values = [schema["const"]]
    elif isinstance(schema.get("enum"), list):
        values = schema["enum"]
    else:
        return None
    return {json.dumps(v, sort_keys=True): v for v in values}


def _enum(old: Mapping[str, Any], new: Mapping[str, Any], path: str, out: list[Change]) -> None:
    e_old, e_new = _enum_values(old), _enum_values(new)
    if e_old is None and e_new is None:
        return
    if e_new is not None and e_old is None:
        out.append(Change(path, "enum-added", f"values restricted to {_fmt_values(e_new)}",
                          frozenset({BACKWARD})))
        return
    if e_old is not None and e_new is None:
        out.append(Change(path, "enum-removed", "values no longer restricted",
                          frozenset({FORWARD})))
        return
    assert e_old is not None and e_new is not None
    removed = {k: v for k, v in e_old.items() if k not in e_new}
    added = {k: v for k, v in e_new.items() if k not in e_old}
    if removed:
        out.append(Change(path, "enum-narrowed", f"value(s) {_fmt_values(removed)} removed",
                          frozenset({BACKWARD})))
    if added:
        out.append(Change(path, "enum-widened", f"value(s) {_fmt_values(added)} added",
                          frozenset({FORWARD})))


def _fmt_values(values: Mapping[str, Any]) -> str:
    shown = list(values)[:5]
    more = f" (+{len(values) - 5} more)" if len(values) > 5 else ""
    return ", ".join(shown) + more


def _number(schema: Mapping[str, Any], key: str) -> float | None:
    value = schema.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None  # draft-4 boolean exclusiveMaximum and malformed values are skipped
    return float(value)


def _fmt_number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _bounds(old: Mapping[str, Any], new: Mapping[str, Any], path: str, out: list[Change]) -> None:
    for key in (*_UPPER_BOUNDS, *_LOWER_BOUNDS):
        upper = key in _UPPER_BOUNDS
        v_old, v_new = _number(old, key), _number(new, key)
        if v_old == v_new:
            continue
        if v_old is None and v_new is not None:
            out.append(Change(path, "constraint-added", f"{key} {_fmt_number(v_new)} added",
                              frozenset({BACKWARD})))
        elif v_new is None and v_old is not None:
            out.append(Change(path, "constraint-removed",
                              f"{key} {_fmt_number(v_old)} removed", frozenset({FORWARD})))
        elif v_old is not None and v_new is not None:
            tighter = v_new < v_old if upper else v_new > v_old
            verb = ("lowered" if v_new < v_old else "raised")
            out.append(Change(
                path, "constraint-tightened" if tighter else "constraint-loosened",
                f"{key} {verb} from {_fmt_number(v_old)} to {_fmt_number(v_new)}",
                frozenset({BACKWARD if tighter else FORWARD}),
            ))


def _pattern(old: Mapping[str, Any], new: Mapping[str, Any], path: str, out: list[Change]) -> None:
    p_old, p_new = old.get("pattern"), new.get("pattern")
    if p_old == p_new:
        return
    if p_old is None:
        out.append(Change(path, "pattern-added", f"pattern {p_new!r} added",
                          frozenset({BACKWARD})))
    elif p_new is None:
        out.append(Change(path, "pattern-removed", f"pattern {p_old!r} removed",
                          frozenset({FORWARD})))
    else:
        # Whether one regular expression accepts a subset of another is not decidable here.
        out.append(Change(path, "pattern-changed", f"pattern changed from {p_old!r} to {p_new!r}",
                          BOTH))


def _divides(small: float, big: float) -> bool:
    """True when every multiple of ``big`` is a multiple of ``small``."""
    ratio = big / small
    return abs(ratio - round(ratio)) < 1e-9


def _multiple_of(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, out: list[Change]
) -> None:
    m_old, m_new = _number(old, "multipleOf"), _number(new, "multipleOf")
    if m_old == m_new or (m_old is not None and m_old <= 0) or (m_new is not None and m_new <= 0):
        return
    breaks = set()
    if m_new is not None and (m_old is None or not _divides(m_new, m_old)):
        breaks.add(BACKWARD)
    if m_old is not None and (m_new is None or not _divides(m_old, m_new)):
        breaks.add(FORWARD)
    before = _fmt_number(m_old) if m_old is not None else "none"
    after = _fmt_number(m_new) if m_new is not None else "none"
    out.append(Change(path, "multiple-of-changed", f"multipleOf changed from {before} to {after}",
                      frozenset(breaks)))


def _unique_items(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, out: list[Change]
) -> None:
    u_old, u_new = old.get("uniqueItems") is True, new.get("uniqueItems") is True
    if u_new and not u_old:
        out.append(Change(path, "unique-items-added", "uniqueItems added", frozenset({BACKWARD})))
    elif u_old and not u_new:
        out.append(Change(path, "unique-items-removed", "uniqueItems removed",
                          frozenset({FORWARD})))


# --- objects ---------------------------------------------------------------------------------


def _closed(schema: Mapping[str, Any]) -> bool:
    """True when properties other than the declared ones are refused."""
    return schema.get("additionalProperties") is False or (
        schema.get("unevaluatedProperties") is False
    )


def _covered(schema: Mapping[str, Any], name: str) -> bool:
    """True when an undeclared property ``name`` is still accepted by ``schema``."""
    if not _closed(schema):
        return True
    patterns = schema.get("patternProperties")
    if isinstance(patterns, Mapping):
        for rx in patterns:
            try:
                if re.search(rx, name):
                    return True
            except re.error:
                continue
    return False


def _required(schema: Mapping[str, Any]) -> set[str]:
    req = schema.get("required")
    return {r for r in req if isinstance(r, str)} if isinstance(req, list) else set()


def _props(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    props = schema.get("properties")
    return props if isinstance(props, Mapping) else {}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _object(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, out: list[Change], depth: int
) -> None:
    p_old, p_new = _props(old), _props(new)
    r_old, r_new = _required(old), _required(new)
    if _closed(new) and not _closed(old):
        out.append(Change(path, "additional-properties-closed",
                          "additionalProperties set to false", frozenset({BACKWARD})))
    elif _closed(old) and not _closed(new):
        out.append(Change(path, "additional-properties-opened",
                          "additionalProperties no longer false", frozenset({FORWARD})))
    for name in sorted(set(p_old) | set(p_new) | r_old | r_new):
        where = _join(path, name)
        in_old, in_new = name in p_old, name in p_new
        if in_old and not in_new:
            breaks = set()
            if not _covered(new, name):
                breaks.add(BACKWARD)  # old data carries it and the new schema refuses it
            if name in r_old and name not in r_new:
                breaks.add(FORWARD)  # old consumers require what new producers no longer send
            detail = "property removed" + (" (it was required)" if name in r_old else "")
            out.append(Change(where, "property-removed", detail, frozenset(breaks)))
            continue
        if in_new and not in_old and not _covered(old, name):
            out.append(Change(where, "property-added-to-closed",
                              "property added while the old schema refuses extra properties",
                              frozenset({FORWARD})))
        if name in r_new and name not in r_old:
            has_default = isinstance(p_new.get(name), Mapping) and "default" in p_new[name]
            out.append(Change(where, "required-added",
                              "now required" + (" (with a default)" if has_default else ""),
                              frozenset() if has_default else frozenset({BACKWARD})))
        elif name in r_old and name not in r_new:
            out.append(Change(where, "required-removed", "no longer required",
                              frozenset({FORWARD})))
        if in_old and in_new:
            _node(p_old[name], p_new[name], where, out, depth + 1)
