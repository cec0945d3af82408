"""Impact reports: plain text for the terminal, Markdown for a pull request, JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from mfgint.graph.impact import AffectedItem, CriticalPath, Impact, TeamContact


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _subject(i: Impact) -> str:
    parts = []
    if i.subject_systems:
        parts.append(f"{_plural(len(i.subject_systems), 'system')}: "
                     f"{', '.join(i.subject_systems)}")
    if i.subject_objects:
        parts.append(f"{_plural(len(i.subject_objects), 'object')}: "
                     f"{', '.join(i.subject_objects)}")
    return "; ".join(parts) or "selected flows"


def _path_text(p: CriticalPath) -> str:
    out = p.systems[0]
    for flow, system in zip(p.flows, p.systems[1:], strict=True):
        out += f" --({flow})--> {system}"
    return out


def _contact(t: TeamContact) -> str:
    if not t.known:
        return "unknown team: no contacts (see OWN001)"
    bits = [b for b in (
        t.email and f"email {t.email}",
        t.chat and f"chat {t.chat}",
        t.on_call and f"on-call {t.on_call}",
    ) if b]
    return ", ".join(bits) or "no contact declared"


def _summary(i: Impact) -> str:
    down = sum(1 for s in i.systems if s.direction in ("downstream", "both"))
    return (f"{_plural(len(i.flows), 'flow')}, {_plural(down, 'downstream system')}, "
            f"{_plural(len(i.teams), 'team')} to notify, "
            f"{_plural(sum(1 for f in i.flows if f.criticality == 'tier-1'), 'tier-1 flow')}")


def render_text(i: Impact) -> str:
    """Impact as terminal text: who is affected first, then the details."""
    out = [f"Impact of {i.selector}" + (f" (excluding {i.exclude})" if i.exclude else ""),
           f"  subject: {_subject(i)}", f"  {_summary(i)}", ""]
    out.append(f"Systems ({len(i.systems)})")
    for s in i.systems:
        how = f" through {', '.join(s.via_flows)}" if s.via_flows else ""
        out.append(f"  depth {s.depth} {s.direction:<10} {s.name} ({s.type}, {s.zone}, "
                   f"{s.criticality}, owner {s.owner or '-'}){how}")
    out.append("")
    out.append(f"Teams to notify ({len(i.teams)})")
    for t in i.teams:
        out.append(f"  {t.name}: {_contact(t)}")
        if t.escalation:
            out.append(f"      escalation: {' -> '.join(t.escalation)}")
        out.append(f"      owns: {', '.join(t.owns)}")
    out.append("")
    out.append(f"Critical (tier-1) paths ({len(i.critical_paths)})")
    out.extend(f"  {_path_text(p)}" for p in i.critical_paths)
    if i.paths_truncated:
        out.append("  (more paths exist; narrow the selector to see them)")
    out.append("")
    out.append(f"Plants ({len(i.plants)}): {', '.join(i.plants) or '-'}")
    out.append("")
    out.append(f"Flows ({len(i.flows)})")
    for f in i.flows:
        targets = ", ".join(f.targets)
        via = f" via {', '.join(f.via)}" if f.via else ""
        out.append(f"  {f.name}: {f.source} -> {targets}{via}")
        out.append(f"      {f.object} {f.pattern} {f.latency} {f.criticality}"
                   + (f" RTO {f.rto}" if f.rto else "") + f"; owner {f.owner or '-'}; "
                   f"subject is {', '.join(f.roles)}")
    for title, items in (("Events", i.events), ("Access policies", i.policies),
                         ("Workflows", i.workflows), ("Objects", i.objects)):
        out.append("")
        out.append(f"{title} ({len(items)})")
        out.extend(f"  {it.name}: {it.why} (owner {it.owner or '-'})" for it in items)
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in rows)
    return lines


def _items_md(title: str, items: tuple[AffectedItem, ...]) -> list[str]:
    if not items:
        return [f"**{title}:** none", ""]
    return [f"**{title} ({len(items)})**", "",
            *_table(("name", "why", "owner"),
                    ((f"`{it.name}`", it.why, it.owner or "-") for it in items)), ""]


def render_markdown(i: Impact) -> str:
    """Impact as Markdown, ready for a pull request or change ticket."""
    out = [f"### Impact of `{i.selector}`" + (f" (excluding `{i.exclude}`)" if i.exclude else ""),
           "", f"Subject: {_subject(i)}. {_summary(i).capitalize()}.", ""]
    tier1 = [f for f in i.flows if f.criticality == "tier-1"]
    if tier1:
        out += [f"> **Tier-1:** {', '.join(f'`{f.name}`' for f in tier1)}", ""]
    out += ["#### Teams to notify", ""]
    out += _table(("team", "contacts", "escalation", "owns"), (
        (f"`{t.name}`", _contact(t), " → ".join(t.escalation) or "-", ", ".join(t.owns))
        for t in i.teams))
    out += ["", f"#### Flows ({len(i.flows)})", ""]
    out += _table(("flow", "from → to", "object", "pattern", "latency", "criticality", "RTO",
                   "owner", "subject is"), (
        (f"`{f.name}`", f"{f.source} → {', '.join(f.targets)}"
         + (f" (via {', '.join(f.via)})" if f.via else ""), f.object, f.pattern, f.latency,
         f.criticality, f.rto or "-", f.owner or "-", ", ".join(f.roles))
        for f in i.flows))
    out += ["", f"#### Systems ({len(i.systems)})", ""]
    out += _table(("system", "depth", "direction", "type", "zone", "criticality", "owner"), (
        (f"`{s.name}`", str(s.depth), s.direction, s.type, s.zone, s.criticality,
         s.owner or "-") for s in i.systems))
    out += ["", "#### Events, access policies, workflows, objects", ""]
    out += _items_md("Events", i.events)
    out += _items_md("Access policies", i.policies)
    out += _items_md("Workflows", i.workflows)
    out += _items_md("Objects", i.objects)
    out += [f"**Plants:** {', '.join(i.plants) or 'none'}", ""]
    out += [f"#### Critical (tier-1) paths ({len(i.critical_paths)})", ""]
    if i.critical_paths:
        out += [f"- {_path_text(p)}" for p in i.critical_paths]
    else:
        out.append("None.")
    if i.paths_truncated:
        out.append("- … more paths exist; narrow the selector to see them")
    return "\n".join(out) + "\n"


def camel(value: Any) -> Any:
    """Dict keys in camelCase, like the spec language; tuples as lists."""
    if isinstance(value, dict):
        return {
            k.split("_")[0] + "".join(w.title() for w in k.split("_")[1:]): camel(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [camel(v) for v in value]
    return value


def impact_document(i: Impact) -> dict[str, Any]:
    """Impact as plain data (the JSON format)."""
    doc = asdict(i)
    doc["critical_paths"] = [
        {"systems": list(p.systems), "flows": list(p.flows), "text": p.arrow()}
        for p in i.critical_paths
    ]
    out: dict[str, Any] = camel({"schema": "mfgint.impact/v1", **doc})
    return out


def render_json(i: Impact) -> str:
    """Impact as JSON."""
    return json.dumps(impact_document(i), indent=2, ensure_ascii=False) + "\n"


IMPACT_FORMATS: dict[str, Callable[[Impact], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
