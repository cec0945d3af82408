"""CLI command modules; each exposes ``register(app)``."""

from __future__ import annotations

from types import ModuleType

from mfgint.commands import generate_cmd, graph_cmd, rules_cmd, schema_cmd, validate_cmd

COMMAND_MODULES: tuple[ModuleType, ...] = (
    validate_cmd, rules_cmd, schema_cmd, generate_cmd, graph_cmd
)
