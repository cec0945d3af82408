"""Load stage: spec files to RawDocuments that keep file:line:col for every node."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from mfgint.compiler.source import Pos, SourceFile, Tree, subtree
from mfgint.diagnostics import Diagnostic, Related, Severity, Span

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        """Pure-Python fallback with the CParser interface."""

        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

        def dispose(self) -> None:
            """Nothing to release in the pure-Python parser."""


MAX_FILE_BYTES = 20 * 1024 * 1024
CONFIG_FILE_NAMES = frozenset({"mfgint.yaml", "mfgint.yml"})
MAX_DEPTH = 200
MAX_EXPANDED_NODES = 1_000_000
MAX_INT_DIGITS = 64
# A composed document nests at most (flow brackets + 2 * longest line) deep; below this bound the
# recursive C composer cannot exhaust the stack, above it the events are counted first.
SAFE_DEPTH_BOUND = 4000

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_CACHE_LIMIT = 200_000


class _Resolver(Resolver):
    """YAML 1.1 resolution without timestamps: dates stay strings, as the schemas expect."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """Tag of a node; plain scalars are memoised since specs repeat the same values."""
        if kind is ScalarNode:
            if not implicit[0]:
                return "tag:yaml.org,2002:str"
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]
                if len(_PLAIN_TAGS) < _PLAIN_CACHE_LIMIT:
                    _PLAIN_TAGS[value] = tag
            return tag
        return "tag:yaml.org,2002:map" if kind is MappingNode else "tag:yaml.org,2002:seq"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers are registered: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path resolvers are registered: nothing to track."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """A problem found while constructing a document, before spans get a file name."""

    code: str
    message: str
    pos: Pos
    hint: str | None = None
    related: tuple[tuple[Pos, str], ...] = ()


class _Refused(Exception):
    """A node the loader will not construct: unsafe tag, absurd number, too deep."""

    def __init__(self, code: str, message: str, node: Node, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.pos = _pos(node)
        self.hint = hint


class _Scalars(SafeConstructor):
    """Borrowed scalar conversions and merge-key flattening from PyYAML's safe constructor."""


_SCALARS = _Scalars()
_BOOLS = SafeConstructor.bool_values
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"


class _Builder:
    """Turns composed nodes into plain data plus a position tree; faster than a constructor.

    ``build`` returns the value and leaves the value's position tree in ``self.tree``.
    """

    __slots__ = ("issues", "memo", "share", "tree")

    def __init__(self, share: bool) -> None:
        self.issues: list[LoadIssue] = []
        self.memo: dict[int, tuple[Any, Tree]] = {}
        self.share = share
        self.tree: Tree = None

    def build(self, node: Node, depth: int = 0) -> Any:
        """Convert one node (and its children) to plain data."""
        cls = node.__class__
        if cls is ScalarNode:
            self.tree = None
            tag = node.tag
            if tag == STR_TAG:
                return node.value
            return self.scalar(node, tag)  # type: ignore[arg-type]
        if depth > MAX_DEPTH:
            raise _Refused(
                "YML006",
                f"nesting is deeper than {MAX_DEPTH} levels",
                node,
                "flatten the structure: specs never need this depth",
            )
        if self.share:
            seen = self.memo.get(id(node))
            if seen is not None:
                self.tree = seen[1]
                return seen[0]
        if cls is MappingNode:
            if node.tag != "tag:yaml.org,2002:map":
                raise _refused_tag(node)
            result: Any = self.mapping(node, depth)  # type: ignore[arg-type]
        elif cls is SequenceNode:
            if node.tag != "tag:yaml.org,2002:seq":
                raise _refused_tag(node)
            result = self.sequence(node, depth)  # type: ignore[arg-type]
        else:  # pragma: no cover - composer yields only these three node classes
            raise _refused_tag(node)
        if self.share:
            self.memo[id(node)] = (result, self.tree)
        return result

    def scalar(self, node: ScalarNode, tag: str) -> Any:
        """Non-string scalars: int, float, bool, null; anything else is refused."""
        if tag == "tag:yaml.org,2002:int":
            if len(node.value) > MAX_INT_DIGITS:
                raise _Refused(
                    "YML010",
                    f"number with {len(node.value)} characters is out of range",
                    node,
                    "use a realistic number, or quote an identifier",
                )
            return _SCALARS.construct_yaml_int(node)
        if tag == "tag:yaml.org,2002:bool":
            return _BOOLS[node.value.lower()]
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:float":
            return _SCALARS.construct_yaml_float(node)
        raise _refused_tag(node)

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        """A dict and its tree; duplicate and non-text keys reported."""
        data: dict[str, Any] = {}
        entries: dict[str, tuple[Any, ...]] = {}
        pairs = node.value
        if any(k.tag == MERGE_TAG for k, _ in pairs):
            _SCALARS.flatten_mapping(node)
            pairs = node.value
        for key_node, value_node in pairs:
            s, e = key_node.start_mark, key_node.end_mark
            if key_node.__class__ is not ScalarNode:
                self.issues.append(
                    LoadIssue(
                        "SCH001",
                        "a mapping key must be plain text, not a collection",
                        (s.line, s.column, e.line, e.column),
                    )
                )
                continue
            key = key_node.value
            if key_node.tag != STR_TAG and not key_node.style:
                kind = _trap_kind(key_node.tag)
                if kind:
                    self.issues.append(
                        LoadIssue(
                            "YML003",
                            f"key {key!r} is read by YAML 1.1 as a {kind}, not as text",
                            (s.line, s.column, e.line, e.column),
                            f'quote it: "{key}"',
                        )
                    )
            if key in entries:
                first = entries[key]
                self.issues.append(
                    LoadIssue(
                        "YML002",
                        f"duplicate key {key!r}: YAML keeps only one of them",
                        (s.line, s.column, e.line, e.column),
                        "remove or rename one of the two keys",
                        (((first[0], first[1], first[2], first[3]), "first defined here"),),
                    )
                )
                continue
            vs, ve = value_node.start_mark, value_node.end_mark
            if value_node.__class__ is ScalarNode and value_node.tag == STR_TAG:
                data[key] = value_node.value
                child = None
            else:
                data[key] = self.build(value_node, depth + 1)
                child = self.tree
            entries[key] = (
                s.line, s.column, e.line, e.column,
                vs.line, vs.column, ve.line, ve.column, child,
            )  # fmt: skip
        s, e = node.start_mark, node.end_mark
        self.tree = ((s.line, s.column, e.line, e.column), entries)
        return data

    def sequence(self, node: SequenceNode, depth: int) -> list[Any]:
        """A list and its tree."""
        data: list[Any] = []
        items: list[tuple[Any, ...]] = []
        for child in node.value:
            s, e = child.start_mark, child.end_mark
            data.append(self.build(child, depth + 1))
            items.append((s.line, s.column, e.line, e.column, self.tree))
        s, e = node.start_mark, node.end_mark
        self.tree = ((s.line, s.column, e.line, e.column), items)
        return data


def _refused_tag(node: Node) -> _Refused:
    return _Refused(
        "YML004",
        f"tag {node.tag!r} is not allowed in mfgint specs",
        node,
        "remove the tag: specs hold plain YAML data only",
    )


class _Loader(_Parser, _Resolver):
    """libyaml parser and composer with the date-free resolver."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Resolver.__init__(self)


def _pos(node: Node) -> Pos:
    s, e = node.start_mark, node.end_mark
    return (s.line, s.column, e.line, e.column)


def _trap_kind(tag: str) -> str | None:
    return {
        "tag:yaml.org,2002:bool": "boolean",
        "tag:yaml.org,2002:int": "number",
        "tag:yaml.org,2002:float": "number",
        "tag:yaml.org,2002:null": "null",
    }.get(tag)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One YAML document of a spec file, with positions kept on every node."""

    source: SourceFile
    index: int
    data: Any
    origin: tuple[str, str] | None = None  # (blueprint, plant) for expanded resources
    pos: Pos = (0, 0, 0, 1)  # where the document starts
    prefix: tuple[str | int, ...] = ()  # path of an expanded resource inside its blueprint

    def span(self, pos: Pos) -> Span:
        """A Span in this document's file."""
        return to_span(self.source.path, pos)

    @property
    def tree(self) -> Tree:
        """The position tree of this document (of the blueprint entry for expansions)."""
        return subtree(self.source.doc_tree(self.index), self.prefix)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The output of the load stage."""

    sources: tuple[SourceFile, ...]
    documents: tuple[RawDocument, ...]
    diagnostics: tuple[Diagnostic, ...]


def to_span(path: str, pos: Pos) -> Span:
    """Convert a 0-based libyaml position to a 1-based Span."""
    line, col, end_line, end_col = pos
    return Span(path, line + 1, col + 1, end_line + 1, end_col + 1)


def display_path(path: Path) -> str:
    """A path as shown in diagnostics: relative to the working directory when below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _file_diag(path: str, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, Span(path, 1, 1, 1, 1), hint)


def _offset_to_pos(text_bytes: bytes, offset: int) -> Pos:
    before = text_bytes[:offset]
    line = before.count(b"\n")
    col = offset - (before.rfind(b"\n") + 1)
    return (line, col, line, col + 1)


_UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def read_source(path: Path, shown: str) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Read and decode a spec file, refusing binary, oversized and non-UTF-8 content."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                _file_diag(
                    shown,
                    "YML008",
                    f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit for a spec file",
                    "split it into several files",
                )
            ]
        data = path.read_bytes()
    except OSError as exc:
        return None, [_file_diag(shown, "YML009", f"cannot read file: {exc.strerror or exc}")]
    for bom, name in _UTF16_32_BOMS:
        if data.startswith(bom):
            return None, [
                _file_diag(
                    shown,
                    "YML007",
                    f"file is encoded as {name}, not UTF-8",
                    "save the file as UTF-8",
                )
            ]
    if b"\x00" in data:
        return None, [
            _file_diag(
                shown, "YML007", "binary file (contains NUL bytes)", "spec files are UTF-8 YAML"
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        pos = _offset_to_pos(data, exc.start)
        return None, [
            Diagnostic(
                "YML007",
                Severity.ERROR,
                f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                to_span(shown, pos),
                "save the file as UTF-8",
            )
        ]
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return SourceFile(shown, text, str(path), digest), []


def _depth_bound(text: str) -> int:
    longest = max((len(line) for line in text.split("\n")), default=0) if len(text) > 4000 else 0
    return text.count("[") + text.count("{") + 2 * longest + 2


def _max_depth_by_events(text: str) -> tuple[int, Pos]:
    depth = deepest = 0
    where: Pos = (0, 0, 0, 0)
    start_events = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    end_events = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    loader_cls = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    for event in yaml.parse(text, Loader=loader_cls):
        if isinstance(event, start_events):
            depth += 1
            if depth > deepest:
                deepest = depth
                m = event.start_mark
                if m is not None:
                    where = (m.line, m.column, m.line, m.column + 1)
                if deepest > MAX_DEPTH:
                    break
        elif isinstance(event, end_events):
            depth -= 1
    return deepest, where


class _RecursiveAlias(Exception):
    """An anchor's node contains an alias to itself."""


def _expanded_size(node: Node) -> int:
    """Nodes an alias-expanding reader would see; raises _RecursiveAlias on recursive aliases."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(n: Node) -> int:
        key = id(n)
        if key in memo:
            return memo[key]
        if key in active:
            raise _RecursiveAlias
        total = 1
        if isinstance(n, (SequenceNode, MappingNode)):
            active.add(key)
            for child in n.value:
                if isinstance(child, tuple):
                    total += size(child[0]) + size(child[1])
                else:
                    total += size(child)
                if total > MAX_EXPANDED_NODES:
                    break
            active.discard(key)
        memo[key] = total
        return total

    return size(node)


def parse_source(source: SourceFile) -> tuple[list[RawDocument], list[Diagnostic]]:
    """Parse every YAML document of a source file into RawDocuments."""
    text = source.text
    path = source.path
    diags: list[Diagnostic] = []
    if _depth_bound(text) > SAFE_DEPTH_BOUND:
        try:
            deepest, where = _max_depth_by_events(text)
        except yaml.YAMLError as exc:
            return [], [_yaml_error(path, exc, text=text)]
        if deepest > MAX_DEPTH:
            return [], [
                Diagnostic(
                    "YML006",
                    Severity.ERROR,
                    f"nesting is deeper than {MAX_DEPTH} levels; the file is not read",
                    to_span(path, where),
                    "flatten the structure: specs never need this depth",
                )
            ]
    may_alias = "&" in text
    docs: list[RawDocument] = []
    trees: list[Tree] = []
    source.set_trees(trees)
    loader = _Loader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one
                break
            if may_alias:
                problem = _alias_problem(node)
                if problem is not None:
                    return docs, [
                        *diags,
                        Diagnostic(
                            "YML005",
                            Severity.ERROR,
                            problem,
                            to_span(path, _pos(node)),
                            "use fewer, flatter aliases",
                        ),
                    ]
            builder = _Builder(may_alias)
            try:
                data = builder.build(node)
            except _Refused as exc:
                diags.append(
                    Diagnostic(
                        exc.code, Severity.ERROR, exc.message, to_span(path, exc.pos), exc.hint
                    )
                )
                trees.append(None)
                index += 1
                continue
            for issue in builder.issues:
                diags.append(
                    Diagnostic(
                        issue.code,
                        Severity.ERROR,
                        issue.message,
                        to_span(path, issue.pos),
                        issue.hint,
                        tuple(Related(to_span(path, p), m) for p, m in issue.related),
                    )
                )
            if data is not None:
                docs.append(RawDocument(source, index, data, None, _pos(node)))
            trees.append(builder.tree)
            index += 1
    except yaml.YAMLError as exc:
        diags.append(_yaml_error(path, exc, text=text))
    except (ValueError, OverflowError, RecursionError) as exc:
        diags.append(_file_diag(path, "YML001", f"cannot read YAML: {exc}"))
    finally:
        loader.dispose()
    return docs, diags


def _alias_problem(node: Node) -> str | None:
    try:
        if _expanded_size(node) > MAX_EXPANDED_NODES:
            return (
                f"aliases expand to more than {MAX_EXPANDED_NODES} nodes (an alias bomb); "
                "the document is not read"
            )
    except _RecursiveAlias:
        return "recursive alias: a node contains an alias to itself"
    except RecursionError:
        return "aliases nest too deeply to be checked; the document is not read"
    return None


def _yaml_error(path: str, exc: yaml.YAMLError, code: str = "YML001", text: str = "") -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    pos: Pos = (mark.line, mark.column, mark.line, mark.column + 1) if mark else (0, 0, 0, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{problem} ({context})" if context and code == "YML001" else str(problem)
    hint = None
    if code == "YML001":
        hint = "fix the YAML syntax at this position"
        lines = text.split("\n") if mark else []
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            hint = "indent with spaces, not tabs"
    return Diagnostic(code, Severity.ERROR, f"invalid YAML: {message}", to_span(path, pos), hint)


def is_spec_file(path: Path) -> bool:
    """True for ``*.yaml`` / ``*.yml`` files."""
    return path.suffix in (".yaml", ".yml")


def discover(
    paths: Iterable[Path], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Spec files below ``paths`` in a stable order; symlink loops and missing paths reported."""
    found: dict[str, tuple[Path, str]] = {}
    diags: list[Diagnostic] = []
    try:
        cwd = os.path.realpath(Path.cwd())
    except OSError:
        cwd = "\0"  # no working directory: paths are shown as given
    for root in paths:
        shown_root = display_path(root)
        if not root.exists():
            diags.append(_file_diag(shown_root, "YML009", "path does not exist"))
            continue
        if root.is_file():
            real = os.path.realpath(root)
            found.setdefault(real, (root, shown_root))
            continue
        seen_dirs: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            real_dir = os.path.realpath(dirpath)
            if real_dir in seen_dirs:
                diags.append(
                    _file_diag(
                        display_path(Path(dirpath)),
                        "YML009",
                        "directory reached again through a symbolic link (a loop); skipped",
                    )
                )
                dirnames[:] = []
                continue
            seen_dirs.add(real_dir)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                file = Path(dirpath) / name
                skip = name.startswith(".") or name in CONFIG_FILE_NAMES
                if skip or not is_spec_file(file):
                    continue
                rel = file.relative_to(root).as_posix()
                if include and not any(_glob_match(rel, g) for g in include):
                    continue
                if any(_glob_match(rel, g) for g in exclude):
                    continue
                try:
                    real = os.path.realpath(file)
                except OSError:
                    real = str(file)
                if not os.path.exists(real):
                    diags.append(_file_diag(display_path(file), "YML009", "broken symbolic link"))
                    continue
                found.setdefault(real, (file, _shown(real, cwd, file)))
    return sorted(found.values(), key=lambda item: item[1]), diags


def _shown(real: str, cwd: str, file: Path) -> str:
    """``display_path(file)`` from the file's real path and the working directory's."""
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    if real.startswith(prefix):
        return Path(real[len(prefix) :]).as_posix()
    return file.as_posix()


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def _glob_match(rel: str, pattern: str) -> bool:
    """Match a posix relative path against a glob where ``**`` spans folders."""
    rx = _GLOB_CACHE.get(pattern)
    if rx is None:
        rx = re.compile(glob_to_regex(pattern))
        _GLOB_CACHE[pattern] = rx
    return rx.fullmatch(rel) is not None


def glob_to_regex(pattern: str) -> str:
    """Translate a glob (``*``, ``?``, ``**``, ``[...]``) to a regex over posix paths."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


ProgressFn = Callable[[str, int, int], None]


def load(files: list[tuple[Path, str]], progress: ProgressFn | None = None) -> LoadResult:
    """Read and parse the given files; a bad file yields diagnostics and the run goes on."""
    sources: list[SourceFile] = []
    documents: list[RawDocument] = []
    diags: list[Diagnostic] = []
    total = len(files)
    for done, (path, shown) in enumerate(files):
        if progress is not None:
            progress("reading specs", done, total)
        source, read_diags = read_source(path, shown)
        diags.extend(read_diags)
        if source is None:
            continue
        sources.append(source)
        docs, parse_diags = parse_source(source)
        documents.extend(docs)
        diags.extend(parse_diags)
    return LoadResult(tuple(sources), tuple(documents), tuple(diags))
