"""JSON Schema comparison used by VER003."""

from __future__ import annotations

from typing import Any

import pytest

from mfgint.validators.schemadiff import (
    BACKWARD,
    FORWARD,
    Change,
    breaking_changes,
    diff,
    directions_for,
    is_transitive,
)


def _obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, **extra}
    if required is not None:
        schema["required"] = required
    return schema


def _one(old: dict[str, Any], new: dict[str, Any]) -> Change:
    changes = diff(old, new)
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_schemas_have_no_changes() -> None:
    """No difference, no change."""
    s = _obj({"name": {"type": "string"}}, ["name"])
    assert diff(s, s) == []


def test_optional_property_added_to_open_object_is_compatible() -> None:
    """Adding an optional field is the compatible evolution in both directions."""
    old = _obj({"name": {"type": "string"}})
    new = _obj({"name": {"type": "string"}, "lot": {"type": "string"}})
    assert diff(old, new) == []


def test_newly_required_property_breaks_backward() -> None:
    """New readers would reject old data without the field."""
    old = _obj({"name": {"type": "string"}})
    new = _obj({"name": {"type": "string"}, "lot": {"type": "string"}}, ["lot"])
    change = _one(old, new)
    assert (change.path, change.kind, change.breaks) == ("lot", "required-added",
                                                         frozenset({BACKWARD}))


def test_required_with_default_is_compatible() -> None:
    """A default lets readers fill the field in (Confluent's rule)."""
    old = _obj({"name": {"type": "string"}})
    new = _obj({"name": {"type": "string"}, "grade": {"type": "string", "default": "A"}},
               ["grade"])
    assert breaking_changes(old, new, BACKWARD) == []


def test_required_dropped_breaks_forward() -> None:
    """Old readers still require what new writers may omit."""
    old = _obj({"name": {"type": "string"}}, ["name"])
    new = _obj({"name": {"type": "string"}})
    change = _one(old, new)
    assert (change.kind, change.breaks) == ("required-removed", frozenset({FORWARD}))


@pytest.mark.parametrize(
    ("required", "closed", "breaks"),
    [
        ([], False, frozenset()),
        (["lot"], False, frozenset({FORWARD})),
        ([], True, frozenset({BACKWARD})),
        (["lot"], True, frozenset({BACKWARD, FORWARD})),
    ],
)
def test_removed_property(required: list[str], closed: bool, breaks: frozenset[str]) -> None:
    """Removing breaks forward when it was required, backward when extra fields are refused."""
    extra: dict[str, Any] = {"additionalProperties": False} if closed else {}
    old = _obj({"name": {"type": "string"}, "lot": {"type": "string"}}, ["name", *required],
               **extra)
    new = _obj({"name": {"type": "string"}}, ["name"], **extra)
    change = _one(old, new)
    assert change.kind == "property-removed"
    assert change.breaks == breaks


def test_removed_property_covered_by_pattern_properties() -> None:
    """A closed object still accepts a removed name matched by patternProperties."""
    extra: dict[str, Any] = {"additionalProperties": False, "patternProperties": {"^x_": {}}}
    old = _obj({"x_lot": {"type": "string"}}, **extra)
    new = _obj({}, **extra)
    assert _one(old, new).breaks == frozenset()


def test_property_added_to_closed_object_breaks_forward() -> None:
    """Old readers refuse the new field when extra properties are not allowed."""
    old = _obj({"name": {"type": "string"}}, additionalProperties=False)
    new = _obj({"name": {"type": "string"}, "lot": {"type": "string"}},
               additionalProperties=False)
    change = _one(old, new)
    assert (change.kind, change.breaks) == ("property-added-to-closed", frozenset({FORWARD}))


def test_additional_properties_turned_false_breaks_backward() -> None:
    """Old data with extra fields is refused by the closed new schema."""
    old = _obj({"name": {"type": "string"}})
    new = _obj({"name": {"type": "string"}}, additionalProperties=False)
    change = _one(old, new)
    assert (change.kind, change.breaks) == ("additional-properties-closed",
                                            frozenset({BACKWARD}))
    reverse = _one(new, old)
    assert (reverse.kind, reverse.breaks) == ("additional-properties-opened",
                                              frozenset({FORWARD}))


@pytest.mark.parametrize(
    ("old", "new", "breaks"),
    [
        ("string", "integer", frozenset({BACKWARD, FORWARD})),
        ("integer", "number", frozenset({FORWARD})),
        ("number", "integer", frozenset({BACKWARD})),
        (["string", "null"], "string", frozenset({BACKWARD})),
        ("string", ["string", "null"], frozenset({FORWARD})),
    ],
)
def test_type_changes(old: Any, new: Any, breaks: frozenset[str]) -> None:
    """Narrowing breaks backward, widening breaks forward; integer is a number."""
    change = _one({"type": old}, {"type": new})
    assert change.kind == "type-changed"
    assert change.breaks == breaks


def test_enum_narrowed_and_widened() -> None:
    """Removed values break backward, added values break forward."""
    changes = diff({"enum": ["a", "b"]}, {"enum": ["a", "c"]})
    kinds = {c.kind: c.breaks for c in changes}
    assert kinds == {"enum-narrowed": frozenset({BACKWARD}),
                     "enum-widened": frozenset({FORWARD})}
    assert '"b"' in next(c.detail for c in changes if c.kind == "enum-narrowed")


def test_enum_added_and_const() -> None:
    """Restricting to an enum or a const breaks backward."""
    assert _one({"type": "string"}, {"type": "string", "enum": ["x"]}).breaks == {BACKWARD}
    assert _one({"type": "string"}, {"type": "string", "const": "x"}).breaks == {BACKWARD}
    assert _one({"const": "x"}, {"enum": ["x", "y"]}).breaks == {FORWARD}


@pytest.mark.parametrize(
    ("key", "old", "new", "breaks"),
    [
        ("maxLength", 40, 20, {BACKWARD}),
        ("maxLength", 20, 40, {FORWARD}),
        ("maximum", 100, 50, {BACKWARD}),
        ("minLength", 1, 3, {BACKWARD}),
        ("minimum", 0, 1, {BACKWARD}),
        ("minimum", 1, 0, {FORWARD}),
        ("maxItems", None, 10, {BACKWARD}),
        ("maxItems", 10, None, {FORWARD}),
        ("multipleOf", 2, 4, {BACKWARD}),
        ("multipleOf", 4, 2, {FORWARD}),
    ],
)
def test_constraints(key: str, old: Any, new: Any, breaks: set[str]) -> None:
    """Tighter bounds break backward, looser ones forward."""
    s_old = {"type": "number"} if old is None else {"type": "number", key: old}
    s_new = {"type": "number"} if new is None else {"type": "number", key: new}
    assert _one(s_old, s_new).breaks == breaks


def test_pattern_added_and_changed() -> None:
    """A new pattern breaks backward; a changed one cannot be compared, so both."""
    assert _one({"type": "string"}, {"type": "string", "pattern": "^A"}).breaks == {BACKWARD}
    assert _one({"pattern": "^A"}, {"pattern": "^B"}).breaks == {BACKWARD, FORWARD}
    assert _one({"pattern": "^A"}, {}).breaks == {FORWARD}


def test_nested_objects_and_array_items_are_walked() -> None:
    """Paths name the nested field, with [] for array items."""
    old = _obj({"lines": {"type": "array", "items": _obj({"qty": {"type": "number"}})},
                "header": _obj({"site": {"type": "string", "maxLength": 10}})})
    new = _obj({"lines": {"type": "array",
                          "items": _obj({"qty": {"type": "integer"}}, ["qty"])},
                "header": _obj({"site": {"type": "string", "maxLength": 5}})})
    found = {(c.path, c.kind) for c in breaking_changes(old, new, BACKWARD)}
    assert found == {
        ("lines[].qty", "type-changed"),
        ("lines[].qty", "required-added"),
        ("header.site", "constraint-tightened"),
    }


def test_incompatible_types_stop_the_walk() -> None:
    """An object that became a string is one change, not one per property."""
    old = _obj({"a": {"type": "string"}}, ["a"])
    new = {"type": "string"}
    assert [c.kind for c in diff(old, new)] == ["type-changed"]


def test_refs_and_combinators_are_not_compared() -> None:
    """Nodes whose meaning depends on other documents or branches are skipped."""
    assert diff({"$ref": "#/a"}, {"$ref": "#/b"}) == []
    assert diff({"anyOf": [{"type": "string"}]}, {"anyOf": [{"type": "integer"}]}) == []


def test_describe() -> None:
    """The path prefixes the detail, except at the root."""
    assert Change("a.b", "k", "now required", frozenset()).describe() == "a.b: now required"
    assert Change("", "k", "type changed", frozenset()).describe() == "type changed"


@pytest.mark.parametrize(
    ("mode", "directions", "transitive"),
    [
        ("backward", {BACKWARD}, False),
        ("forward-transitive", {FORWARD}, True),
        ("full", {BACKWARD, FORWARD}, False),
        ("full-transitive", {BACKWARD, FORWARD}, True),
        ("none", set(), False),
    ],
)
def test_modes(mode: str, directions: set[str], transitive: bool) -> None:
    """Compatibility modes map to directions and transitivity."""
    assert directions_for(mode) == directions
    assert is_transitive(mode) is transitive
