"""Rule families. Built-ins are registered through the ``mfgint.rules`` entry point."""

from __future__ import annotations

from mfgint.validators import (
    events,
    graph_rules,
    latency,
    lifecycle,
    odoo,
    ownership,
    resilience,
    security,
    structure,
    versioning,
)
from mfgint.validators.registry import Family

BUILTIN_FAMILIES: list[Family] = [
    *structure.FAMILIES,
    security.FAMILY,
    resilience.FAMILY,
    lifecycle.FAMILY,
    odoo.FAMILY,
    ownership.FAMILY,
    latency.FAMILY,
    versioning.FAMILY,
    events.FAMILY,
    graph_rules.FAMILY,
]
