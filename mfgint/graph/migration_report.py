"""Migration plan reports: text, Markdown and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from mfgint.graph.impact_report import camel
from mfgint.graph.migration import MigrationPlan, Wave


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _headline(p: MigrationPlan) -> str:
    target = p.replace_with or "(no replacement)"
    return f"Migration plan: retire {p.retire} -> {target}"


def _about(p: MigrationPlan) -> str:
    date = f", retirement date {p.retirement_date}" if p.retirement_date else ""
    moves = sum(len(w.moves) for w in p.waves)
    return (f"{p.retire} is {p.retire_criticality}{date}. "
            f"{_plural(moves, 'flow')} to re-point in {_plural(len(p.waves), 'wave')}.")


def _risk(w: Wave) -> str:
    r = w.risk
    rto = f", tightest RTO {r.tightest_rto}" if r.tightest_rto else ""
    t1 = f", {_plural(r.tier1_flows, 'tier-1 flow')}" if r.tier1_flows else ""
    return f"risk {r.level} (highest {r.criticality}{rto}{t1})"


def _waits(w: Wave) -> str:
    if not w.waits_for_waves:
        return "can start first"
    return "after wave " + ", ".join(map(str, w.waits_for_waves))


def render_text(p: MigrationPlan) -> str:
    """The plan as terminal text."""
    out = [_headline(p), f"  {_about(p)}"]
    for w in p.waves:
        out += ["", f"Wave {w.number} - {_risk(w)}; {_waits(w)}"]
        if w.risk.teams:
            out.append(f"  teams: {', '.join(w.risk.teams)}")
        for m in w.moves:
            out.append(f"  {m.flow}: {m.action}")
            out.append(f"      {m.object} {m.pattern} {m.criticality}"
                       + (f" RTO {m.rto}" if m.rto else "") + f"; owner {m.owner or '-'}")
            if m.waits_for:
                out.append(f"      waits for: {', '.join(m.waits_for)}")
            out.extend(f"      note: {n}" for n in m.notes)
        for c in w.coexistence:
            recon = c.reconciliation or "none declared: add a reconciliation job"
            out.append(f"  coexistence: {c.flow} {c.reason}; reconciliation: {recon}")
    for title, rows in (("Events", p.events), ("Access policies", p.policies)):
        if rows:
            out += ["", title]
            out.extend(f"  {name}: {todo}" for name, todo in rows)
    if p.notes:
        out += ["", "Notes"]
        out.extend(f"  - {n}" for n in p.notes)
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in rows)
    return lines


def render_markdown(p: MigrationPlan) -> str:
    """The plan as Markdown for a change ticket."""
    out = [f"### {_headline(p).replace(' -> ', ' → ')}", "", _about(p), ""]
    if p.waves:
        out += _table(("wave", "flows", "risk", "highest", "tightest RTO", "starts", "teams"), (
            (str(w.number), str(len(w.moves)), w.risk.level, w.risk.criticality,
             w.risk.tightest_rto or "-", _waits(w), ", ".join(w.risk.teams) or "-")
            for w in p.waves))
        out.append("")
    for w in p.waves:
        out += [f"#### Wave {w.number} — {_risk(w)}; {_waits(w)}", ""]
        out += _table(("flow", "change", "object", "pattern", "criticality", "RTO", "owner",
                       "waits for", "notes"), (
            (f"`{m.flow}`", m.action, m.object, m.pattern, m.criticality, m.rto or "-",
             m.owner or "-", ", ".join(m.waits_for) or "-", "; ".join(m.notes) or "-")
            for m in w.moves))
        out.append("")
        for c in w.coexistence:
            recon = c.reconciliation or "**none declared: add a reconciliation job**"
            out.append(f"- Coexistence: `{c.flow}` {c.reason}; reconciliation: {recon}")
        if w.coexistence:
            out.append("")
    for title, rows in (("Events", p.events), ("Access policies", p.policies)):
        if rows:
            out += [f"#### {title}", ""]
            out.extend(f"- `{name}`: {todo}" for name, todo in rows)
            out.append("")
    if p.notes:
        out += ["#### Notes", ""]
        out.extend(f"- {n}" for n in p.notes)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def plan_document(p: MigrationPlan) -> dict[str, Any]:
    """The plan as plain data (the JSON format)."""
    doc = asdict(p)
    doc["events"] = [{"event": e, "todo": t} for e, t in p.events]
    doc["policies"] = [{"policy": n, "todo": t} for n, t in p.policies]
    out: dict[str, Any] = camel({"schema": "mfgint.migration/v1", **doc})
    return out


def render_json(p: MigrationPlan) -> str:
    """The plan as JSON."""
    return json.dumps(plan_document(p), indent=2, ensure_ascii=False) + "\n"


MIGRATION_FORMATS: dict[str, Callable[[MigrationPlan], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
