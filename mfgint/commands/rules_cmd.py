"""``mfgint rules`` and ``mfgint explain``: the rule catalogue."""

from __future__ import annotations

import json

import typer

from mfgint.commands.common import EXIT_USAGE, fail_usage
from mfgint.compiler.check import did_you_mean
from mfgint.validators.cases import example
from mfgint.validators.registry import Registry, RegistryError, Rule, default_registry


def register(app: typer.Typer) -> None:
    """Add the commands to the app."""
    app.command("rules", help="List every rule: code, name, family, severity, summary.")(
        rules_command
    )
    app.command("explain", help="Explain a rule, with a failing and a passing example.")(
        explain_command
    )


def _registry() -> Registry:
    try:
        return default_registry()
    except RegistryError as exc:
        fail_usage(f"rule registry: {exc}")


def rule_record(rule: Rule) -> dict[str, object]:
    """The JSON form of a rule."""
    return {
        "code": rule.code,
        "name": rule.name,
        "family": rule.family,
        "severity": rule.severity.label,
        "summary": rule.summary,
        "options": dict(rule.options),
        "builtin": rule.check is None or rule.check.__module__.startswith("mfgint."),
    }


def rules_command(
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """List every rule."""
    registry = _registry()
    if fmt == "json":
        typer.echo(json.dumps([rule_record(r) for r in registry], indent=2))
        return
    if fmt != "text":
        fail_usage(f"unknown format {fmt!r}", "choose text or json")
    width = max(len(r.name) for r in registry)
    family = None
    for rule in registry:
        if rule.family != family:
            family = rule.family
            typer.echo(f"\n{family}")
        typer.echo(f"  {rule.code}  {rule.name:<{width}}  {rule.severity.label:<7}  {rule.summary}")


def explain_command(code: str = typer.Argument(..., help="Rule code, e.g. LAT004.")) -> None:
    """Explain a rule with its failing and passing example."""
    registry = _registry()
    rule = registry.get(code)
    if rule is None:
        hint = did_you_mean(code.upper(), [r.code for r in registry])
        typer.echo(f"mfgint: error: unknown rule code {code!r}", err=True)
        typer.echo(f"  hint: {hint or 'see `mfgint rules`'}", err=True)
        raise typer.Exit(EXIT_USAGE)
    lines = [
        f"{rule.code} {rule.name} ({rule.family}, default severity {rule.severity.label})",
        "",
        rule.summary,
        "",
        rule.explanation,
    ]
    if rule.options:
        lines += ["", "Options (set under rules.options in mfgint.yaml):"]
        lines += [f"  {k}: {v!r}" for k, v in sorted(rule.options.items())]
    for kind, title in (("bad", "Fails"), ("good", "Passes")):
        case = example(rule.code, kind)
        if case is None:
            continue
        lines += ["", f"{title} ({case.name}):", ""]
        lines += ["    " + line if line else "" for line in case.specs.rstrip().splitlines()]
        if case.expect:
            found = ", ".join(f"{e.code} at line {e.line}" for e in case.expect)
            lines += ["", f"  reports: {found}"]
    typer.echo("\n".join(lines))
