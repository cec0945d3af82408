"""Load and check files, reusing cached results for files whose content did not change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mfgint.compiler.cache import SpecCache, diag_from_tuple, diag_to_tuple
from mfgint.compiler.check import check_documents
from mfgint.compiler.loader import ProgressFn, RawDocument, parse_source, read_source
from mfgint.compiler.source import SourceFile, Tree
from mfgint.diagnostics import Diagnostic


@dataclass(frozen=True)
class Checked:
    """Sources, the structurally valid documents by kind, and what went wrong."""

    sources: tuple[SourceFile, ...]
    valid: tuple[tuple[str, RawDocument], ...]
    diagnostics: tuple[Diagnostic, ...]
    invalid_names: frozenset[tuple[str, str]]


def _tree_loader(cache: SpecCache) -> Callable[[SourceFile], list[Tree]]:
    def load(source: SourceFile) -> list[Tree]:
        trees = cache.load_trees(source.digest)
        if trees is None:  # the tree file vanished: parse again, positions are in the text
            parse_source(source)
            return source.all_trees()
        return trees

    return load


def load_checked(
    files: list[tuple[Path, str]],
    cache: SpecCache | None = None,
    progress: ProgressFn | None = None,
) -> Checked:
    """Read, parse and check every file; cached files skip parsing and checking."""
    sources: list[SourceFile] = []
    valid: list[tuple[str, RawDocument]] = []
    diags: list[Diagnostic] = []
    invalid: set[tuple[str, str]] = set()
    total = len(files)
    for done, (path, shown) in enumerate(files):
        if progress is not None:
            progress("reading specs", done, total)
        source, read_diags = read_source(path, shown)
        diags.extend(read_diags)
        if source is None:
            continue
        sources.append(source)
        entry = cache.get(shown, source.digest) if cache is not None else None
        if cache is not None and entry is not None:
            _, docs_t, diag_ts, checks, names = entry
            source.defer_trees(_tree_loader(cache))
            by_index = {i: RawDocument(source, i, data, None, pos) for i, data, pos in docs_t}
            valid.extend((kind, by_index[i]) for i, kind in checks)
            diags.extend(diag_from_tuple(t) for t in diag_ts)
            invalid.update((k, n) for k, n in names)
            continue
        docs, parse_diags = parse_source(source)
        result = check_documents(docs)
        diags.extend(parse_diags)
        diags.extend(result.diagnostics)
        valid.extend(result.valid)
        invalid.update(result.invalid_names)
        if cache is not None:
            cache.put_trees(source.digest, source.all_trees())
            cache.put(
                shown,
                (
                    source.digest,
                    [(d.index, d.data, d.pos) for d in docs],
                    [diag_to_tuple(d) for d in (*parse_diags, *result.diagnostics)],
                    [(d.index, kind) for kind, d in result.valid],
                    sorted(result.invalid_names),
                ),
            )
    if progress is not None:
        progress("reading specs", total, total)
    if cache is not None:
        cache.save(s.path for s in sources)
    return Checked(tuple(sources), tuple(valid), tuple(diags), frozenset(invalid))
