"""Expand stage: instantiate Blueprints per Plant, keeping the blueprint's spans."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mfgint.compiler.check import did_you_mean
from mfgint.compiler.loader import RawDocument
from mfgint.compiler.source import Pos, Tree, key_pos, locate, subtree
from mfgint.diagnostics import Diagnostic, Related, ResourceRef, Severity

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
PLANT_FIELDS = ("code", "country", "region", "timezone")
FORBIDDEN_IN_BLUEPRINT = frozenset({"Blueprint", "Plant", "Waiver"})


@dataclass(frozen=True, slots=True)
class ExpandResult:
    """Documents created from blueprints, and what went wrong."""

    documents: tuple[RawDocument, ...]
    diagnostics: tuple[Diagnostic, ...]


def expand(valid: Iterable[tuple[str, RawDocument]]) -> ExpandResult:
    """Instantiate every Blueprint a Plant names, once per plant."""
    docs = list(valid)
    blueprints: dict[str, RawDocument] = {}
    for kind, doc in docs:
        if kind == "Blueprint":
            blueprints.setdefault(doc.data["metadata"]["name"], doc)
    out: list[RawDocument] = []
    diags: list[Diagnostic] = []
    for kind, plant_doc in docs:
        if kind != "Plant":
            continue
        plant = plant_doc.data
        plant_name = plant["metadata"]["name"]
        uses = plant["spec"].get("blueprints") or []
        for i, use in enumerate(uses):
            bp_name = use["blueprint"]
            bp_doc = blueprints.get(bp_name)
            where = plant_doc.span(locate(plant_doc.tree, ("spec", "blueprints", i, "blueprint")))
            ref = ResourceRef("Plant", plant_name)
            if bp_doc is None:
                diags.append(
                    Diagnostic(
                        "REF001",
                        Severity.ERROR,
                        f"Plant '{plant_name}' instantiates unknown Blueprint '{bp_name}'",
                        where,
                        did_you_mean(bp_name, blueprints),
                        resource=ref,
                    )
                )
                continue
            params, param_diags = _bind(plant_doc, i, bp_doc)
            diags.extend(param_diags)
            if param_diags:
                continue
            variables = {"plant": plant_name, **{f"params.{k}": v for k, v in params.items()}}
            for field_name in PLANT_FIELDS:
                variables[f"plant.{field_name}"] = plant["spec"].get(field_name, "")
            for j, resource in enumerate(bp_doc.data["spec"]["resources"]):
                rkind = resource.get("kind") if isinstance(resource, dict) else None
                rpath = ("spec", "resources", j)
                bp_tree = bp_doc.tree
                rpos = locate(bp_tree, rpath)
                if rkind in FORBIDDEN_IN_BLUEPRINT:
                    diags.append(
                        Diagnostic(
                            "REF003",
                            Severity.ERROR,
                            f"Blueprint '{bp_name}' may not contain a {rkind}",
                            bp_doc.span(rpos),
                            "declare plants and waivers outside blueprints",
                        )
                    )
                    continue
                problems: list[tuple[Pos, str]] = []
                copy = _substitute(resource, locate_tree(bp_tree, rpath), variables, problems)
                for pos, name in problems:
                    known = sorted(variables)
                    diags.append(
                        Diagnostic(
                            "REF003",
                            Severity.ERROR,
                            f"Blueprint '{bp_name}' uses unknown placeholder ${{{name}}}"
                            f" (plant {plant_name})",
                            bp_doc.span(pos),
                            did_you_mean(name, known) or f"known placeholders: {', '.join(known)}",
                            related=(Related(where, "instantiated here"),),
                        )
                    )
                if problems:
                    continue
                out.append(
                    RawDocument(
                        bp_doc.source,
                        bp_doc.index,
                        copy,
                        (bp_name, plant_name),
                        rpos,
                        (*bp_doc.prefix, *rpath),
                    )
                )
    return ExpandResult(tuple(out), tuple(diags))


def _bind(
    plant_doc: RawDocument, use_index: int, bp_doc: RawDocument
) -> tuple[dict[str, Any], list[Diagnostic]]:
    plant = plant_doc.data
    plant_name = plant["metadata"]["name"]
    bp_name = bp_doc.data["metadata"]["name"]
    given = plant["spec"]["blueprints"][use_index].get("parameters") or {}
    declared = {p["name"]: p for p in bp_doc.data["spec"].get("parameters") or []}
    params: dict[str, Any] = {}
    diags: list[Diagnostic] = []
    base = ("spec", "blueprints", use_index, "parameters")
    for key in given:
        if key not in declared:
            diags.append(
                Diagnostic(
                    "REF003",
                    Severity.ERROR,
                    f"Plant '{plant_name}' passes unknown parameter '{key}' to Blueprint "
                    f"'{bp_name}'",
                    plant_doc.span(key_pos(plant_doc.tree, (*base, key))),
                    did_you_mean(key, declared) or f"declared: {', '.join(sorted(declared))}",
                    resource=ResourceRef("Plant", plant_name),
                )
            )
    for name, decl in declared.items():
        if name in given:
            params[name] = given[name]
        elif "default" in decl:
            params[name] = decl["default"]
        elif decl.get("required", True):
            diags.append(
                Diagnostic(
                    "REF003",
                    Severity.ERROR,
                    f"Plant '{plant_name}' does not set required parameter '{name}' of "
                    f"Blueprint '{bp_name}'",
                    plant_doc.span(locate(plant_doc.tree, base if given else base[:-1])),
                    f"add `{name}:` under parameters",
                    resource=ResourceRef("Plant", plant_name),
                )
            )
        else:
            params[name] = ""
    return params, diags


def locate_tree(tree: Tree, path: tuple[str | int, ...]) -> Tree:
    """The subtree at ``path``."""
    return subtree(tree, path)


def _substitute(
    node: Any, tree: Tree, variables: dict[str, Any], problems: list[tuple[Pos, str]]
) -> Any:
    """Deep copy of a blueprint resource with placeholders filled in."""
    if isinstance(node, dict):
        entries = tree[1] if tree is not None and isinstance(tree[1], dict) else {}
        out: dict[str, Any] = {}
        for key, value in node.items():
            entry = entries.get(key)
            if isinstance(value, str) and "${" in value:
                pos = (entry[4], entry[5], entry[6], entry[7]) if entry else _tree_pos(tree)
                out[key] = _fill(value, variables, pos, problems)
            else:
                out[key] = _substitute(value, entry[8] if entry else None, variables, problems)
        return out
    if isinstance(node, list):
        items = tree[1] if tree is not None and isinstance(tree[1], list) else []
        seq: list[Any] = []
        for i, value in enumerate(node):
            item = items[i] if i < len(items) else None
            if isinstance(value, str) and "${" in value:
                pos = (item[0], item[1], item[2], item[3]) if item else _tree_pos(tree)
                seq.append(_fill(value, variables, pos, problems))
            else:
                seq.append(_substitute(value, item[4] if item else None, variables, problems))
        return seq
    return node


def _tree_pos(tree: Tree) -> Pos:
    return tree[0] if tree is not None else (0, 0, 0, 0)


def _fill(text: str, variables: dict[str, Any], pos: Pos, problems: list[tuple[Pos, str]]) -> Any:
    whole = PLACEHOLDER.fullmatch(text)
    if whole:
        name = whole.group(1).strip()
        if name not in variables:
            problems.append((pos, name))
            return text
        return variables[name]

    def repl(m: re.Match[str]) -> str:
        name = m.group(1).strip()
        if name not in variables:
            problems.append((pos, name))
            return m.group(0)
        return str(variables[name])

    return PLACEHOLDER.sub(repl, text)
