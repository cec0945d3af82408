"""Check stage: every document against the JSON Schema of its kind, with precise diagnostics."""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import marshal
import re
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mfgint.compiler.cache import _write_atomic
from mfgint.compiler.loader import RawDocument
from mfgint.compiler.source import key_pos, locate
from mfgint.diagnostics import Diagnostic, ResourceRef, Severity
from mfgint.schemas import API_VERSION, KINDS, load_schema

if TYPE_CHECKING:
    # The validators are imported on first use: a run that finds every file in the cache checks
    # nothing, and jsonschema (a tenth of a second to import) only explains invalid documents.
    import jsonschema
    from fastjsonschema import JsonSchemaValueException
    from jsonschema.exceptions import ValidationError

FRIENDLY_PATTERNS: dict[str, str] = {
    "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$": (
        "a name: lowercase letters, digits and dashes, 1 to 63 characters, e.g. mes-lyon"
    ),
    "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?@[0-9]+(\\.[0-9]+)?$": (
        "an object reference NAME@MAJOR or NAME@MAJOR.MINOR, e.g. work-order@2"
    ),
    "^[0-9]+\\.[0-9]+$": 'a version "MAJOR.MINOR", quoted, e.g. "2.0"',
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date YYYY-MM-DD, e.g. 2027-06-30",
    "^[0-9]+(ms|s|m|h|d|w)$": "a duration such as 500ms, 30s, 15m, 4h, 90d or 2w",
}

TYPE_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    type(None): "null (an empty value)",
}


def resource_of(doc: RawDocument) -> ResourceRef | None:
    """The kind/name a document declares, as far as it can be read."""
    data = doc.data
    if not isinstance(data, dict):
        return None
    kind = data.get("kind")
    meta = data.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(kind, str) or not isinstance(name, str):
        return None
    blueprint, plant = doc.origin if doc.origin else (None, None)
    return ResourceRef(kind, name, plant, blueprint)


def origin_note(doc: RawDocument) -> str:
    """`` (plant lyon, from blueprint standard-plant)`` for expanded resources, else empty."""
    if doc.origin is None:
        return ""
    blueprint, plant = doc.origin
    return f" (plant {plant}, from blueprint {blueprint})"


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """A ``did you mean`` hint for a near miss, or None."""
    matches = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


_COMPILED_CHECKS: list[Path | None] = [None]


def keep_compiled_checks(folder: Path | None) -> None:
    """Keep compiled schema checks in ``folder`` (the user's cache) so later runs skip compiling.

    Compiling the Flow schema's check costs a twentieth of a second, which a re-run that finds
    one changed flows file would otherwise pay each time. None: compile in every run.
    """
    _COMPILED_CHECKS[0] = folder


@cache
def _fast_validator(kind: str) -> Callable[[Any], JsonSchemaValueException | None]:
    """The compiled check of a kind: returns the first error, or None when valid."""
    import fastjsonschema

    # A deep copy: fastjsonschema rewrites the $refs of the schema it compiles, in place.
    schema = copy.deepcopy(load_schema(kind))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    validate = _compiled(kind, schema)

    def first_error(data: Any) -> JsonSchemaValueException | None:
        try:
            validate(data)
        except fastjsonschema.JsonSchemaValueException as exc:
            return exc
        return None

    return first_error


def _compiled(kind: str, schema: dict[str, Any]) -> Callable[[Any], Any]:
    """fastjsonschema's check of ``schema``, its bytecode reused from the cache when kept."""
    import fastjsonschema

    folder = _COMPILED_CHECKS[0]
    if folder is None:
        return fastjsonschema.compile(schema, use_default=False)
    ident = f"{fastjsonschema.VERSION}\0{sys.version}\0{json.dumps(schema, sort_keys=True)}"
    key = hashlib.blake2b(ident.encode(), digest_size=16).hexdigest()
    path = folder / f"{kind}-{key}.check"
    try:
        name, code = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        name = code = None
    if not isinstance(name, str) or not isinstance(code, types.CodeType):
        source = fastjsonschema.compile_to_code(schema, use_default=False)
        found = re.search(r"^def (\w+)\(", source, re.MULTILINE)
        if found is None:  # pragma: no cover - fastjsonschema always emits the root function
            return fastjsonschema.compile(schema, use_default=False)
        name, code = found.group(1), compile(source, f"<check of {kind}>", "exec")
        _write_atomic(path, marshal.dumps((name, code)))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # code generated by fastjsonschema from mfgint's own schema
    return namespace[name]  # type: ignore[no-any-return]


@cache
def full_validator(kind: str) -> jsonschema.Draft202012Validator:
    """The jsonschema validator of a kind: slower than the fast one, but explains errors."""
    import jsonschema

    return jsonschema.Draft202012Validator(load_schema(kind))


def fast_error(kind: str, data: Any) -> JsonSchemaValueException | None:
    """Fast structural check of one document: None when valid, else the first error."""
    return _fast_validator(kind)(data)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Documents that passed, and the diagnostics of those that did not."""

    valid: tuple[tuple[str, RawDocument], ...]
    diagnostics: tuple[Diagnostic, ...]
    invalid_names: frozenset[tuple[str, str]] = frozenset()


def check_documents(docs: Iterable[RawDocument]) -> CheckResult:
    """Check each document's kind, apiVersion and schema."""
    valid: list[tuple[str, RawDocument]] = []
    diags: list[Diagnostic] = []
    invalid: set[tuple[str, str]] = set()
    for doc in docs:
        kind, found = check_document(doc)
        diags.extend(found)
        if kind is not None:
            valid.append((kind, doc))
        else:
            res = resource_of(doc)
            if res is not None:
                invalid.add((res.kind, res.name))
    return CheckResult(tuple(valid), tuple(diags), frozenset(invalid))


def check_document(doc: RawDocument) -> tuple[str | None, list[Diagnostic]]:
    """The document's kind when it is structurally valid, plus its diagnostics."""
    data = doc.data
    note = origin_note(doc)
    if not isinstance(data, dict):
        return None, [
            Diagnostic(
                "SCH004",
                Severity.ERROR,
                "a spec document must be a mapping with apiVersion, kind, metadata and spec" + note,
                doc.span(doc.pos),
                "start the document with `apiVersion: mfgint/v1` and `kind: ...`",
            )
        ]
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        where = doc.span(locate(doc.tree, ("kind",)) if "kind" in data else doc.pos)
        hint = did_you_mean(str(kind), KINDS) if isinstance(kind, str) else None
        return None, [
            Diagnostic(
                "SCH004",
                Severity.ERROR,
                (f"unknown kind {kind!r}" if "kind" in data else "document has no `kind`") + note,
                where,
                hint or f"kind is one of: {', '.join(KINDS)}",
            )
        ]
    if data.get("apiVersion") != API_VERSION:
        got = data.get("apiVersion")
        return None, [
            Diagnostic(
                "SCH004",
                Severity.ERROR,
                (f"unsupported apiVersion {got!r}" if got is not None else "missing apiVersion")
                + note,
                doc.span(locate(doc.tree, ("apiVersion",)) if "apiVersion" in data else doc.pos),
                f"use `apiVersion: {API_VERSION}`",
            )
        ]
    fast = fast_error(kind, data)
    if fast is None:
        return kind, []
    errors = list(full_validator(kind).iter_errors(data))
    diags: list[Diagnostic] = []
    for error in errors:
        diags.extend(_diagnose(doc, kind, error, note))
    if not diags:
        # The validators differ only at edges (a trailing newline before `$`): be strict.
        path = tuple(p for p in (fast.path or [])[1:] if isinstance(p, (str, int)))
        res = resource_of(doc)
        value = fast.value if isinstance(fast.value, (str, int, float, bool)) else None
        diags.append(
            Diagnostic(
                "SCH001",
                Severity.ERROR,
                f"{kind} '{res.name if res else '?'}': {_path_text(path)} value {value!r} is not "
                "allowed here" + note,
                doc.span(locate(doc.tree, path)),
                "remove trailing newlines or unusual characters",
                resource=res,
            )
        )
    return None, diags


def _path_text(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "document"


def _diagnose(doc: RawDocument, kind: str, error: ValidationError, note: str) -> list[Diagnostic]:
    if error.validator in ("oneOf", "anyOf") and error.context:
        sub = _deepest(error.context)
        if sub is not None and sub.validator not in ("required", "not"):
            return _diagnose(doc, kind, sub, note)
    path: tuple[str | int, ...] = tuple(error.absolute_path)
    where = _path_text(path)
    res = resource_of(doc)
    who = f"{kind} '{res.name}'" if res else kind
    validator = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance

    def diag(
        code: str, message: str, p: tuple[str | int, ...], hint: str | None, *, key: bool = False
    ) -> Diagnostic:
        pos = key_pos(doc.tree, p) if key else locate(doc.tree, p)
        return Diagnostic(code, Severity.ERROR, message + note, doc.span(pos), hint, resource=res)

    if validator == "additionalProperties" and isinstance(value, dict):
        allowed = set(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        out = []
        for key in value:
            if key in allowed or any(p.search(key) for p in patterns):
                continue
            hint = did_you_mean(key, allowed) or (
                f"allowed fields here: {', '.join(sorted(allowed))}" if allowed else None
            )
            out.append(
                diag(
                    "SCH002",
                    f"{who}: unknown field '{key}' in {where}",
                    (*path, key),
                    hint,
                    key=True,
                )
            )
        return out
    if validator == "required" and isinstance(value, dict):
        out = []
        for req in _as_list(error.validator_value):
            if req in value:
                continue
            prop = schema.get("properties", {}).get(req, {})
            hint = f"add `{req}:`"
            if isinstance(prop, dict) and "enum" in prop:
                hint += f" (one of: {', '.join(map(str, prop['enum']))})"
            elif isinstance(prop, dict) and prop.get("description"):
                hint += f" — {prop['description']}"
            out.append(
                diag(
                    "SCH003",
                    f"{who}: {where} is missing required field '{req}'",
                    path,
                    hint,
                    key=True,
                )
            )
        return out
    if validator == "type":
        expected = error.validator_value
        if (expected == "string" or expected == ["string"]) and isinstance(
            value, (bool, int, float)
        ):
            text = doc.source.snippet(locate(doc.tree, path))
            return [diag("YML003", _trap_message(who, where, text, value), path, _quote(text))]
        got = TYPE_NAMES.get(type(value), "mapping" if isinstance(value, dict) else "list")
        exp = expected if isinstance(expected, str) else " or ".join(_as_list(expected))
        hint = "write a value or remove the key" if value is None else None
        return [diag("SCH001", f"{who}: {where} must be {_article(exp)}, not {got}", path, hint)]
    if validator == "enum":
        options = [str(v) for v in _as_list(error.validator_value)]
        hint = did_you_mean(str(value), options) or f"use one of: {', '.join(options)}"
        if isinstance(value, bool):
            text = doc.source.snippet(locate(doc.tree, path))
            return [diag("YML003", _trap_message(who, where, text, value), path, _quote(text))]
        return [diag("SCH001", f"{who}: {where} has unknown value {value!r}", path, hint)]
    if validator == "const":
        return [
            diag(
                "SCH001",
                f"{who}: {where} must be {error.validator_value!r}, not {value!r}",
                path,
                None,
            )
        ]
    if validator == "pattern":
        friendly = FRIENDLY_PATTERNS.get(str(error.validator_value))
        what = friendly or f"text matching {error.validator_value}"
        hint = None
        if isinstance(value, str) and value.isascii():
            fixed = re.sub(r"[^a-z0-9@.-]+", "-", value.strip().lower()).strip("-")
            if fixed != value and re.search(str(error.validator_value), fixed):
                hint = f"did you mean '{fixed}'?"
        return [diag("SCH001", f"{who}: {where} value {value!r} is not {what}", path, hint)]
    if validator in ("minItems", "maxItems"):
        n = error.validator_value
        word = "at least" if validator == "minItems" else "at most"
        return [
            diag(
                "SCH001",
                f"{who}: {where} needs {word} {n} item{'s' if n != 1 else ''}",
                path,
                None,
            )
        ]
    if validator in ("oneOf", "anyOf", "not"):
        desc = schema.get("description") if isinstance(schema, dict) else None
        return [
            diag(
                "SCH001",
                f"{who}: {where} does not fit the allowed shapes" + (f": {desc}" if desc else ""),
                path,
                None,
            )
        ]
    message = error.message if len(error.message) < 200 else error.message[:200] + "…"
    return [diag("SCH001", f"{who}: {where}: {message}", path, None)]


def _deepest(errors: list[ValidationError]) -> ValidationError | None:
    if not errors:
        return None
    from jsonschema.exceptions import best_match

    found: ValidationError | None = best_match(errors)
    return found


def _as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _article(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _quote(text: str) -> str:
    inner = text.strip().strip("'\"")
    return f'quote it: "{inner}"'


def _trap_message(who: str, where: str, text: str, value: object) -> str:
    shown = text.strip() or repr(value)
    if isinstance(value, bool):
        meaning = f"the boolean {str(value).lower()}"
    elif isinstance(value, float):
        meaning = f"the number {value!r}"
    elif isinstance(value, int) and ":" in shown:
        meaning = f"the base-60 number {value}"
    else:
        meaning = f"the number {value!r}"
    return f"{who}: {where} `{shown}` is read by YAML 1.1 as {meaning}, not as text"
