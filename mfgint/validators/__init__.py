"""Rule families. Built-ins are registered through the ``mfgint.rules`` entry point."""

from __future__ import annotations

from mfgint.validators import structure
from mfgint.validators.registry import Family

BUILTIN_FAMILIES: list[Family] = [*structure.FAMILIES]
