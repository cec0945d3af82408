"""The one jinja2 Environment factory, and the deterministic YAML/JSON dumpers its filters use."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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


class LazyList(Sequence[Any]):
    """A list whose items are made while they are dumped, so a large document never exists whole."""

    def __init__(self, length: int, items: Callable[[], Iterable[Any]]) -> None:
        self._length = length
        self._items = items

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items())

    def __getitem__(self, index: Any) -> Any:
        return list(self)[index]


def to_yaml(data: Any, sort_keys: bool = False) -> str:
    """Block YAML, byte-stable: keys keep their (deterministic) insertion order unless sorted."""
    try:
        return _FastEmitter(sort_keys).document(data)
    except _Unsupported:
        pass
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


# --- a fast emitter with exactly _Dumper's output ------------------------------------------
#
# PyYAML's pure-Python emitter spends most of its time in per-character scalar analysis and in
# its event machinery; generated documents hold hundreds of thousands of scalars. The emitter
# below writes the same block layout directly and decides common scalars with regular
# expressions equivalent to PyYAML's analysis; any other scalar goes through PyYAML's own
# analysis and writers (the class inherits them), and documents with types or shapes it does
# not handle are dumped by PyYAML itself. tests/targets/test_targets_yaml.py compares both
# byte for byte.

_STR_TAG = "tag:yaml.org,2002:str"
_WIDTH = 4096
_INDENT = 2
# Characters PyYAML (allow_unicode) writes unescaped, except line breaks and the BOM.
_PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe"
_ONE_LINE_RX = re.compile(f"[{_PRINTABLE}]+")
_LITERAL_RX = re.compile(f"[\n{_PRINTABLE}]+")
# What makes analyze_scalar forbid a block plain scalar in one line of printable text.
_NOT_PLAIN_RX = re.compile(r"^(?:---|\.\.\.|[#,\[\]{}&*!|>'\"%@`]|[?:-](?: |$)| )|: |:$| #| $")
_RESOLVERS: dict[Any, list[tuple[str, re.Pattern[str]]]] = _Dumper.yaml_implicit_resolvers
_KEY_MAX = 128 - len("!!str") - 1  # longest simple key PyYAML writes without "? "
_PARTS_PER_CHUNK = 50_000


class _Unsupported(Exception):
    """The document holds something only PyYAML's own dumper handles."""


_RESOLVERS_BY_FIRST: dict[str, tuple[re.Pattern[str], ...]] = {
    first: tuple(rx for _tag, rx in [*resolvers, *_RESOLVERS.get(None, ())])
    for first, resolvers in _RESOLVERS.items() if first is not None
}
_ANY_FIRST = tuple(rx for _tag, rx in _RESOLVERS.get(None, ()))
# One-line scalars seen before -> their text (plain or single-quoted); names repeat a lot.
_ONE_LINE_TEXT: dict[str, str] = {}
_ONE_LINE_CACHE_LIMIT = 200_000
# Mapping keys seen before -> their text (keys repeat in every item of a list).
_KEY_TEXT: dict[str, str] = {}
_KEY_CACHE_LIMIT = 10_000


def _resolves_to_str(value: str) -> bool:
    """True when the plain scalar ``value`` reads back as a string (no implicit type)."""
    return all(not regexp.match(value) for regexp in _RESOLVERS_BY_FIRST.get(value[:1], _ANY_FIRST))


def _one_line_text(value: str) -> str | None:
    """How PyYAML writes a one-line scalar (plain or single-quoted); None when it is not simple."""
    text = _ONE_LINE_TEXT.get(value)
    if text is not None:
        return text
    if not _ONE_LINE_RX.fullmatch(value):
        return None
    if not _NOT_PLAIN_RX.search(value) and _resolves_to_str(value):
        text = value
    else:
        text = "'" + value.replace("'", "''") + "'"
    if len(value) <= 64:
        if len(_ONE_LINE_TEXT) >= _ONE_LINE_CACHE_LIMIT:
            _ONE_LINE_TEXT.clear()
        _ONE_LINE_TEXT[value] = text
    return text


class _Sink:
    """The stream PyYAML's writers write to: a list of string parts."""

    def __init__(self, parts: list[str]) -> None:
        self.write = parts.append


class _FastEmitter(yaml.emitter.Emitter):
    """Block-style emitter for dicts, lists, tuples and scalars, byte-identical to ``_Dumper``."""

    def __init__(self, sort_keys: bool) -> None:
        self.parts: list[str] = []
        self.chunks: list[str] = []  # parts joined so far: long lists of small strings cost more
        super().__init__(_Sink(self.parts), canonical=False, indent=_INDENT, width=_WIDTH,
                         allow_unicode=True, line_break="\n")
        self.sort_keys = sort_keys
        self.root_context = False
        self.flow_level = 0
        # PyYAML's state machine is not used; its first state is a bound method of this
        # emitter, a reference cycle that would keep every emitter (and its text) alive in a
        # process that runs without the cyclic garbage collector, as the CLI does.
        self.state = None

    def document(self, data: Any) -> str:
        """The YAML text of one document whose root is a non-empty mapping or sequence."""
        if type(data) is dict and data:
            self._mapping(data, 0)
        elif (type(data) is list or type(data) is tuple) and data:
            self._sequence(data, 0)
        else:
            raise _Unsupported
        self.indent = None
        self.write_indent()
        if self.open_ended:
            self.write_indicator("...", True)
            self.write_indent()
        text = "".join([*self.chunks, *self.parts])
        self.chunks.clear()
        self.parts.clear()
        return text

    def _to_indent(self, indent: int) -> None:
        """PyYAML's write_indent for a known indent."""
        column = self.column
        if not self.indention or column > indent or (column == indent and not self.whitespace):
            self.parts.append("\n")
            column = 0
            self.whitespace = True
            self.indention = True
        if column < indent:
            self.whitespace = True
            self.parts.append(" " * (indent - column))
            column = indent
        self.column = column

    def _mapping(self, data: dict[Any, Any], indent: int) -> None:
        items: Any = data.items()
        if self.sort_keys:
            items = list(items)
            with contextlib.suppress(TypeError):
                items = sorted(items)
        append = self.parts.append
        keys = _KEY_TEXT
        texts = _ONE_LINE_TEXT
        # _to_indent, _key and (for one-line strings) _node inlined: documents have millions
        # of keys, and the method calls cost more than the writing.
        for key, value in items:
            column = self.column
            whitespace = self.whitespace
            if not self.indention or column > indent or (column == indent and not whitespace):
                append("\n")
                column = 0
                whitespace = self.indention = True
            if column < indent:
                whitespace = True
                append(" " * (indent - column))
                column = indent
            text = keys.get(key) if type(key) is str else None
            if text is None:
                self.column = column
                self.whitespace = whitespace
                self._key(key, indent)
                column = self.column
            else:
                if not whitespace:
                    text = " " + text
                append(text)
                column += len(text)
            append(":")
            column += 1
            self.whitespace = self.indention = self.open_ended = False
            if type(value) is str and "\n" not in value:
                text = texts.get(value) or _one_line_text(value)
                if text is not None and column + len(text) < self.best_width:
                    append(" " + text)
                    self.column = column + 1 + len(text)
                    continue
            self.column = column
            self._node(value, indent)

    def _sequence(self, data: Iterable[Any], indent: int) -> None:
        parts = self.parts
        append = parts.append
        for item in data:
            if len(parts) > _PARTS_PER_CHUNK:
                self.chunks.append("".join(parts))
                parts.clear()
            column = self.column
            whitespace = self.whitespace
            if not self.indention or column > indent or (column == indent and not whitespace):
                append("\n")
                column = 0
                whitespace = self.indention = True
            if column < indent:
                whitespace = True
                append(" " * (indent - column))
                column = indent
            if whitespace:
                append("-")
                self.column = column + 1
            else:
                append(" -")
                self.column = column + 2
            self.whitespace = self.open_ended = False
            if type(item) is dict and item:
                self._mapping(item, indent + _INDENT)
            else:
                self._node(item, indent)

    def _node(self, value: Any, parent: int) -> None:
        kind = type(value)
        if kind is str:
            self._str(value, parent + _INDENT)
        elif kind is dict:
            if value:
                self._mapping(value, parent + _INDENT)
            else:
                self._flow_empty("{}")
        elif kind is list or kind is tuple or kind is LazyList:
            if value:
                self._sequence(value, parent + _INDENT)
            else:
                self._flow_empty("[]")
        else:
            self._plain(_scalar_text(value))

    def _flow_empty(self, text: str) -> None:
        if not self.whitespace:
            text = " " + text
        self.parts.append(text)
        self.column += len(text)
        self.whitespace = self.indention = self.open_ended = False

    def _plain(self, text: str) -> None:
        """A one-line scalar PyYAML writes plain (its width is checked here)."""
        if not self.whitespace:
            text = " " + text
        if self.column + len(text) > self.best_width:
            raise _Unsupported
        self.parts.append(text)
        self.column += len(text)
        self.whitespace = self.indention = False

    def _key(self, key: Any, indent: int) -> None:
        if type(key) is not str:
            if type(key) is float:
                raise _Unsupported
            self._plain(_scalar_text(key))
            return
        if len(key) > _KEY_MAX:
            raise _Unsupported
        text = _one_line_text(key)
        if text is not None:
            if len(_KEY_TEXT) < _KEY_CACHE_LIMIT:
                _KEY_TEXT[key] = text
            if not self.whitespace:
                text = " " + text
            self.parts.append(text)
            self.column += len(text)
            self.whitespace = self.indention = False
            return
        if not key or any(c in key for c in "\n\x85\u2028\u2029"):
            raise _Unsupported  # PyYAML writes a complex ("? ") key
        self._pyyaml_scalar(key, indent + _INDENT, simple_key=True)

    def _str(self, value: str, indent: int) -> None:
        if "\n" not in value:
            text = _one_line_text(value)
            if text is not None:
                if text[0] == "'":
                    self.open_ended = False
                if not self.whitespace:
                    text = " " + text
                if self.column + len(text) <= self.best_width:
                    self.parts.append(text)
                    self.column += len(text)
                    self.whitespace = self.indention = False
                    return
        elif value[-1] != " " and " \n" not in value and _LITERAL_RX.fullmatch(value):
            self._literal(value, indent)
            return
        self._pyyaml_scalar(value, indent, simple_key=False)

    def _literal(self, value: str, indent: int) -> None:
        """PyYAML's write_literal for text made of printable characters and newlines."""
        hints = "2" if value[0] in " \n" else ""
        if value[-1] != "\n":
            hints += "-"
        elif len(value) == 1 or value[-2] == "\n":
            hints += "+"
        head = "|" + hints if self.whitespace else " |" + hints
        parts = self.parts
        parts.append(head + "\n")
        pad = " " * indent
        lines = value.split("\n")
        for line in lines[:-1]:
            parts.append(pad + line + "\n" if line else "\n")
        if lines[-1]:
            parts.append(pad + lines[-1] + "\n")
        self.column = 0
        self.whitespace = self.indention = True
        self.open_ended = hints.endswith("+")

    def _pyyaml_scalar(self, value: str, indent: int, *, simple_key: bool) -> None:
        """Let PyYAML analyse and write one string scalar in the current state."""
        self.indent = indent
        self.simple_key_context = simple_key
        self.event = yaml.ScalarEvent(None, _STR_TAG, (_resolves_to_str(value), True), value,
                                      style="|" if "\n" in value else None)
        self.analysis = None
        self.style = None
        self.process_scalar()
        self.event = None


def _scalar_text(value: Any) -> str:
    """The plain text SafeRepresenter gives a non-string scalar."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        text: str = _Dumper.represent_float(_FLOAT_REPRESENTER, value).value
        if _resolves_to_str(text):
            raise _Unsupported
        return text
    raise _Unsupported


_FLOAT_REPRESENTER = _Dumper(None)  # type: ignore[arg-type]


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
    if isinstance(data, (list, tuple, LazyList)):
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
