"""The one jinja2 Environment factory, and the deterministic YAML/JSON dumpers its filters use."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Undefined,
    UndefinedError,
)

from mfgint.compiler.model import duration_seconds
from mfgint.targets import naming
from mfgint.targets.base import templates_root


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases, lists indented under their key, long lines kept whole."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


def _represent_sequence(dumper: yaml.SafeDumper, data: Sequence[Any]) -> yaml.SequenceNode:
    return dumper.represent_list(list(data))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(tuple, _represent_sequence)


def to_yaml(data: Any, sort_keys: bool = False) -> str:
    """Block YAML, byte-stable: keys keep their (deterministic) insertion order unless sorted."""
    text: str = yaml.dump(
        _plain(data),
        Dumper=_Dumper,
        sort_keys=sort_keys,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
        indent=2,
        line_break="\n",
    )
    return text


def to_json(data: Any, sort_keys: bool = True, indent: int = 2) -> str:
    """JSON with sorted keys by default and a trailing newline."""
    return json.dumps(_plain(data), sort_keys=sort_keys, indent=indent, ensure_ascii=False) + "\n"


def _plain(data: Any) -> Any:
    """Mappings to dicts, tuples to lists, recursively (the dumpers take plain types only)."""
    if isinstance(data, Undefined):
        str(data)  # StrictUndefined raises UndefinedError naming the variable
        raise UndefinedError("an undefined value cannot be dumped")
    if isinstance(data, Mapping):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    return data


def _duration_seconds(text: str | None) -> int | None:
    seconds = duration_seconds(text)
    return None if seconds is None else int(seconds)


FILTERS: Mapping[str, Any] = {
    "to_yaml": to_yaml,
    "to_json": to_json,
    "slug": naming.safe_segment,
    "pascal": naming.pascal,
    "camel": naming.camel,
    "snake": naming.snake,
    "upper_snake": naming.upper_snake,
    "kebab": naming.kebab,
    "plural": naming.plural,
    "duration_seconds": _duration_seconds,
}


def make_env(user_templates: Path | None = None) -> Environment:
    """The jinja2 environment: user templates first, then the built-in ones; StrictUndefined."""
    loaders: list[BaseLoader] = []
    if user_templates is not None:
        loaders.append(FileSystemLoader(str(user_templates)))
    loaders.append(FileSystemLoader(str(templates_root())))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        newline_sequence="\n",
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env
