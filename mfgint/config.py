"""Configuration: ``mfgint.yaml`` at the spec root, merged with command-line choices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mfgint.compiler.check import fast_error, full_validator
from mfgint.compiler.loader import display_path, parse_source, read_source
from mfgint.compiler.source import key_pos
from mfgint.diagnostics import Diagnostic, Severity, Span

CONFIG_NAMES = ("mfgint.yaml", "mfgint.yml")


class ConfigError(Exception):
    """A configuration problem: reported with its location, exit code 2."""

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        hint = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}"


@dataclass(frozen=True)
class Override:
    """Severity changes for files matching globs (like Spectral's overrides)."""

    files: tuple[str, ...]
    severity: Mapping[str, Severity | None]


@dataclass(frozen=True)
class Config:
    """Everything a run is configured with; passed down, never read from globals."""

    root: Path = Path(".")
    path: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    default_owner: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity | None] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    templates: Path | None = None


def find_config(paths: list[Path]) -> Path | None:
    """The ``mfgint.yaml`` of the first directory argument (or the first file's folder)."""
    for p in paths:
        folder = p if p.is_dir() else p.parent
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def _severity_map(
    raw: Mapping[str, Any], tree: Any, path: tuple[str | int, ...], shown: str
) -> dict[str, Severity | None]:
    out: dict[str, Severity | None] = {}
    for key, value in raw.items():
        text = str(value).lower()
        if text in ("off", "none", "ignore", "false"):
            out[key] = None
            continue
        try:
            out[key] = Severity.parse(text)
        except ValueError:
            line, col, _, _ = key_pos(tree, (*path, key))
            raise ConfigError(
                f"severity for {key} must be error, warning, info or off, not {value!r}",
                Span(shown, line + 1, col + 1),
            ) from None
    return out


def load_config(config_path: Path | None, root: Path) -> Config:
    """Read and validate ``mfgint.yaml``; raise ConfigError with file:line:col when it is wrong."""
    if config_path is None:
        return Config(root=root)
    shown = display_path(config_path)
    source, diags = read_source(config_path, shown)
    if source is None:
        raise _as_error(diags[0])
    docs, diags = parse_source(source)
    if diags:
        raise _as_error(diags[0])
    if not docs:
        return Config(root=config_path.parent, path=shown)
    if len(docs) > 1:
        raise ConfigError("mfgint.yaml must hold a single YAML document", Span(shown, 1, 1))
    data = docs[0].data
    if not isinstance(data, dict):
        raise ConfigError("mfgint.yaml must be a mapping", Span(shown, 1, 1))
    errors = []
    if fast_error("config", data) is not None:
        # jsonschema explains the error; a valid file does not pay for importing it.
        errors = sorted(full_validator("config").iter_errors(data), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties":
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            path = (*path, extra[0]) if extra else path
            message = f"unknown setting {'.'.join(map(str, path))!r} in mfgint.yaml"
        else:
            message = f"invalid setting {'.'.join(map(str, path)) or 'mfgint.yaml'}: {err.message}"
        line, col, _, _ = key_pos(docs[0].tree, path)
        raise ConfigError(
            message,
            Span(shown, line + 1, col + 1),
            "see docs/spec-language.md, section mfgint.yaml",
        )
    rules = data.get("rules") or {}
    defaults = data.get("defaults") or {}
    targets = data.get("targets") or {}
    folder = config_path.parent
    overrides = tuple(
        Override(
            tuple(o.get("files") or ()),
            _severity_map(
                o.get("severity") or {}, docs[0].tree, ("overrides", i, "severity"), shown
            ),
        )
        for i, o in enumerate(data.get("overrides") or [])
    )
    return Config(
        root=folder,
        path=shown,
        include=tuple(data.get("include") or ()),
        exclude=tuple(data.get("exclude") or ()),
        default_owner=defaults.get("owner"),
        select=tuple(rules.get("select") or ()),
        ignore=tuple(rules.get("ignore") or ()),
        severity=_severity_map(
            rules.get("severity") or {}, docs[0].tree, ("rules", "severity"), shown
        ),
        options={k: dict(v) for k, v in (rules.get("options") or {}).items()},
        overrides=overrides,
        templates=(folder / targets["templates"]) if targets.get("templates") else None,
    )


def _as_error(diag: Diagnostic) -> ConfigError:
    return ConfigError(diag.message, diag.span, diag.hint)
