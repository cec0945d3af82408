"""Codes emitted by the compiler itself: YAML reading, schema checks, references, waivers."""

from __future__ import annotations

from mfgint.diagnostics import Severity
from mfgint.validators.registry import Family, Rule

YAML = Family("YML", "yaml", "Reading spec files: syntax, safety limits and YAML 1.1 traps.")
SCHEMA = Family("SCH", "schema", "Structure of each document against the JSON Schema of its kind.")
REFS = Family("REF", "references", "Names that must resolve: references, duplicates, blueprints.")
WAIVERS = Family("WVR", "waivers", "Waivers that expired or that no longer match a finding.")

_E = Severity.ERROR


def _add(
    family: Family, code: str, name: str, summary: str, explanation: str, severity: Severity = _E
) -> None:
    family.add(Rule(code, name, family.name, severity, summary, explanation.strip()))


_add(
    YAML,
    "YML001",
    "yaml-syntax",
    "The file is not valid YAML.",
    """
The file cannot be parsed. The diagnostic points at the first character the parser rejected.
Common causes: a tab used for indentation, an unclosed bracket or quote, a `:` missing after a key.
""",
)
_add(
    YAML,
    "YML002",
    "duplicate-key",
    "A mapping has the same key twice.",
    """
YAML silently keeps only one of two equal keys, so half of what you wrote is ignored. Both places
are reported; remove or rename one.
""",
)
_add(
    YAML,
    "YML003",
    "yaml11-trap",
    "An unquoted value is read as a boolean or number.",
    """
YAML 1.1 reads `NO`, `yes`, `on` and `off` as booleans, `1.10` as the number 1.1 and `12:30` as
the base-60 number 750. Where mfgint expects text (a plant code, a version, a time), quote it:
`code: "NO"`, `version: "1.10"`.
""",
)
_add(
    YAML,
    "YML004",
    "unsafe-tag",
    "A YAML tag that would construct objects.",
    """
mfgint loads specs safely: tags such as `!!python/object` or `!!set` are refused, and the document
is skipped. Specs hold plain YAML data only.
""",
)
_add(
    YAML,
    "YML005",
    "alias-bomb",
    "Aliases expand beyond the limit, or refer to themselves.",
    """
A document whose anchors and aliases expand to more than a million nodes ("billion laughs"), or an
alias inside its own anchor, is refused in bounded time and memory.
""",
)
_add(
    YAML,
    "YML006",
    "nesting-too-deep",
    "Nesting deeper than the limit.",
    """
Documents nested deeper than 200 levels are refused before parsing: no spec needs them and they
exhaust parser stacks.
""",
)
_add(
    YAML,
    "YML007",
    "not-text",
    "The file is binary or not UTF-8.",
    """
Spec files are UTF-8 text. A NUL byte or an invalid UTF-8 sequence (reported with its offset) means
the file is binary or in another encoding; convert it to UTF-8.
""",
)
_add(
    YAML,
    "YML008",
    "file-too-large",
    "The file is over the size limit.",
    """
Spec files are limited to 20 MiB each, to keep runs bounded. Split very large files.
""",
)
_add(
    YAML,
    "YML009",
    "unreadable-path",
    "A path cannot be read.",
    """
The path does not exist, cannot be read, is a broken symbolic link, or a directory is reached
again through a symbolic link (a loop, which is skipped).
""",
)
_add(
    YAML,
    "YML010",
    "number-out-of-range",
    "A number has absurdly many digits.",
    """
Integers with more than 64 characters are refused before conversion, so that a hostile file
cannot make the reader spend unbounded time. Quote identifiers that look like numbers.
""",
)
_add(
    SCHEMA,
    "SCH001",
    "schema-violation",
    "A value has the wrong type, format or value.",
    """
The value does not fit the JSON Schema of its kind: wrong type, unknown enum value, malformed name,
date, duration or reference. The message says what is expected; `mfgint schema KIND` shows the
schema.
""",
)
_add(
    SCHEMA,
    "SCH002",
    "unknown-key",
    "A field the kind does not have.",
    """
Every mapping in a spec is closed: a misspelt field would otherwise be silently ignored. The hint
suggests the nearest known field.
""",
)
_add(
    SCHEMA,
    "SCH003",
    "missing-required",
    "A required field is missing.",
    """
The kind requires this field. The hint names the allowed values where there is a fixed set.
""",
)
_add(
    SCHEMA,
    "SCH004",
    "unknown-kind",
    "The document is not an mfgint/v1 resource.",
    """
Every document needs `apiVersion: mfgint/v1` and one of the kinds Team, Plant, System,
BusinessObject, Flow, Event, AccessPolicy, Workflow, Blueprint, Waiver.
""",
)
_add(
    REFS,
    "REF001",
    "unresolved-reference",
    "A reference names nothing.",
    """
A system, object, event, team, plant, flow or blueprint named in a spec does not exist. The hint
suggests the nearest existing name.
""",
)
_add(
    REFS,
    "REF002",
    "duplicate-name",
    "Two resources of one kind share a name.",
    """
Names are unique per kind. Both declarations are reported; the first one is kept.
""",
)
_add(
    REFS,
    "REF003",
    "blueprint-parameter",
    "A blueprint is instantiated with wrong parameters.",
    """
A Plant passes a parameter the Blueprint does not declare, misses a required one, or the
Blueprint uses a `${...}` placeholder that does not exist. Known placeholders: `${plant}`,
`${plant.code}`, `${plant.country}`, `${plant.region}`, `${plant.timezone}`, `${params.NAME}`.
""",
)
_add(
    REFS,
    "REF004",
    "schema-file",
    "A schema version cannot be loaded.",
    """
A BusinessObject version's `schemaFile` is missing, outside the spec folder, unreadable, or not a
valid JSON Schema.
""",
)
_add(
    WAIVERS,
    "WVR001",
    "waiver-expired",
    "A waiver is past its expiry date.",
    """
An expired waiver stops waiving: the finding it covered is reported again, and the waiver itself is
reported so that someone renews it (with a new approval) or removes it.
""",
)
_add(
    WAIVERS,
    "WVR002",
    "waiver-stale",
    "A waiver matches no finding.",
    """
The waived rule no longer fires on the target resource (the problem was fixed, or the waiver names
the wrong rule or resource). Remove the waiver so it cannot hide a future finding.
""",
    Severity.WARNING,
)

FAMILIES = [YAML, SCHEMA, REFS, WAIVERS]
