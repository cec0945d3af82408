"""Prometheus alerting rules per owner team: SLO burn rate, freshness and dead letters per flow.

One ``alerts/<team>.rules.yml`` per team owning flows in scope, one rule group per flow. The
rules query the metrics the generated connectors export (docs/connectors.md) directly, without
recording rules:

- multiwindow burn-rate alerts from ``sla.successRate`` (error budget = 1 - rate/100), with the
  windows and factors of the SRE Workbook (domain primer §7.3): 1h/5m x14.4 and 6h/30m x6 page,
  3d/6h x1 opens a ticket;
- a freshness alert from ``sla.freshness`` (else a default per latency class);
- a dead-letter backlog alert (depth > 0 for 15m) and one for new dead letters.

Every alert carries ``severity``, ``team``, ``flow`` and ``plant`` labels and a ``runbook_url``
pointing at the generated runbook: relative by default, absolute with the ``runbook_base_url``
option.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mfgint.compiler.model import Flow, Model, duration_seconds
from mfgint.targets.base import (
    GeneratedFile,
    GenerationError,
    Target,
    TargetContext,
    resource_plants,
)
from mfgint.targets.env import LazyList
from mfgint.targets.naming import file_name, safe_segment

TEMPLATE = "alerts/team.rules.yml.j2"
UNOWNED = "unowned"
MESSAGES = "mfgint_flow_messages_total"
LAST_SUCCESS = "mfgint_flow_last_success_timestamp_seconds"
DEAD_LETTER_DEPTH = "mfgint_flow_dead_letter_depth"
DEAD_LETTERS = "mfgint_flow_dead_letters_total"
# Freshness when the flow's SLA gives none: one scheduled day plus slack for batch.
DEFAULT_FRESHNESS = {"realtime": "5m", "near-realtime": "1h", "batch": "25h"}


@dataclass(frozen=True, slots=True)
class BurnWindow:
    """One row of the multiwindow burn-rate table."""

    name: str
    long: str
    short: str
    factor: Decimal
    severity: str
    budget_share: str


BURN_WINDOWS = (
    BurnWindow("Fast", "1h", "5m", Decimal("14.4"), "page", "2%"),
    BurnWindow("Medium", "6h", "30m", Decimal("6"), "page", "5%"),
    BurnWindow("Slow", "3d", "6h", Decimal("1"), "ticket", "10%"),
)


def runbook_path(flow: str) -> str:
    """The flow's runbook, relative to the output folder (the runbooks target writes it)."""
    return f"runbooks/flows/{file_name(flow, '.md')}"


def decimal_text(value: Decimal) -> str:
    """A plain decimal without exponent or trailing zeros: ``0.0720`` -> ``0.072``."""
    text = format(value.normalize(), "f")
    return text if text not in ("-0", "") else "0"


def label_matcher(flow: str) -> str:
    """``flow="..."`` with PromQL string escaping."""
    escaped = flow.replace("\\", "\\\\").replace('"', '\\"')
    return f'flow="{escaped}"'


def error_ratio(flow: str, window: str) -> str:
    """Failed over all messages of the flow, over ``window``."""
    m = label_matcher(flow)
    return (
        f'  sum(rate({MESSAGES}{{{m},outcome="failure"}}[{window}]))\n'
        f"/\n  sum(rate({MESSAGES}{{{m}}}[{window}]))"
    )


def freshness_of(flow: Flow) -> tuple[str, bool]:
    """The freshness threshold and whether it comes from the SLA (else the class default)."""
    if flow.sla.freshness and duration_seconds(flow.sla.freshness):
        return flow.sla.freshness, True
    return DEFAULT_FRESHNESS.get(flow.latency, "1h"), False


def _shards(by_team: dict[str, list[Flow]], shards: int) -> dict[str, int]:
    """The shard of each team's file in a parallel run: the largest teams first, each to the
    shard with the fewest flows so far (a team's file is one unit of work, and one team can
    own a quarter of the flows)."""
    load = [0] * shards
    shard_of: dict[str, int] = {}
    for team, flows in sorted(by_team.items(), key=lambda item: (-len(item[1]), item[0])):
        shard = load.index(min(load))
        shard_of[team] = shard
        load[shard] += len(flows)
    return shard_of


class AlertsTarget(Target):
    """Prometheus rule files: burn rate, freshness and dead letters per flow, per owner team."""

    name = "alerts"
    description = "Prometheus alert rules per team: SLO burn rate, freshness, dead letters"
    output_dir = "alerts"
    shardable = True

    def generate(self, ctx: TargetContext) -> list[GeneratedFile]:
        """One ``alerts/<team>.rules.yml`` per team owning flows in scope."""
        return list(self.iter_files(ctx))

    def iter_files(self, ctx: TargetContext) -> Iterator[GeneratedFile]:
        """The teams' rule files one at a time."""
        base = ctx.options.get("runbook_base_url")
        if base is not None and (not isinstance(base, str) or not base.strip()):
            raise GenerationError("alerts option runbook_base_url must be a non-empty URL")
        by_team: dict[str, list[Flow]] = {}
        for flow in ctx.model.flows.values():
            if ctx.scope.has_flow(flow.name):
                by_team.setdefault(flow.owner or UNOWNED, []).append(flow)
        shard_of = _shards(by_team, ctx.shards)
        for team, flows in sorted(by_team.items()):
            if shard_of[team] != ctx.shard:
                continue
            path = f"{self.output_dir}/{file_name(team, '.rules.yml')}"
            groups = LazyList(len(flows), functools.partial(
                self._groups, ctx.model, team, flows, path, base))
            text = ctx.render(TEMPLATE, team=team, path=path, document={"groups": groups},
                              flows=flows)
            yield GeneratedFile(path, text.encode("utf-8"))

    def _groups(self, model: Model, team: str, flows: list[Flow], path: str,
                base: str | None) -> Iterator[dict[str, Any]]:
        for flow in flows:
            yield self._group(model, team, flow, path, base)

    def _runbook_url(self, flow: str, path: str, base: str | None, anchor: str) -> str:
        if base:
            return f"{base.rstrip('/')}/{runbook_path(flow).removeprefix('runbooks/')}#{anchor}"
        depth = path.count("/")
        return f"{'../' * depth}{runbook_path(flow)}#{anchor}"

    def _group(
        self, model: Model, team: str, flow: Flow, path: str, base: str | None
    ) -> dict[str, Any]:
        plants = ",".join(resource_plants(model, flow))
        tier1 = flow.criticality == "tier-1"
        rules: list[dict[str, Any]] = []

        def labels(severity: str) -> dict[str, str]:
            return {"severity": severity, "team": team, "flow": flow.name, "plant": plants}

        def annotations(alert: str, summary: str, description: str) -> dict[str, str]:
            return {
                "summary": summary,
                "description": description,
                "runbook_url": self._runbook_url(flow.name, path, base, alert.lower()),
            }

        rate = flow.sla.success_rate
        if rate is not None:
            budget = Decimal(1) - Decimal(str(rate)) / Decimal(100)
            for w in BURN_WINDOWS:
                alert = f"MfgintFlowErrorBudgetBurn{w.name}"
                threshold = decimal_text(w.factor * budget)
                expr = (
                    f"(\n{error_ratio(flow.name, w.long)}\n) > {threshold}\nand\n"
                    f"(\n{error_ratio(flow.name, w.short)}\n) > {threshold}\n"
                )
                rules.append({
                    "alert": alert,
                    "expr": expr,
                    "labels": labels(w.severity),
                    "annotations": annotations(
                        alert,
                        f"Flow {flow.name} is burning its error budget at {w.factor}x the "
                        "sustainable rate",
                        f"{{{{ $value | humanizePercentage }}}} of {flow.name} messages failed "
                        f"over {w.long} (and over {w.short}); the SLA allows "
                        f"{decimal_text(budget * 100)}% ({rate}% success). At this rate "
                        f"{w.budget_share} of a 30-day error budget is gone within {w.long}.",
                    ),
                })
        freshness, from_sla = freshness_of(flow)
        seconds = int(duration_seconds(freshness) or 0)
        m = label_matcher(flow.name)
        alert = "MfgintFlowStale"
        origin = "the SLA" if from_sla else f"the {flow.latency} default"
        rules.append({
            "alert": alert,
            "expr": f"time() - max({LAST_SUCCESS}{{{m}}}) > {seconds}\n",
            "for": "2m",
            "labels": labels("page" if tier1 else "ticket"),
            "annotations": annotations(
                alert,
                f"Flow {flow.name} delivered nothing for longer than {freshness}",
                f"The last successful delivery of {flow.name} was "
                f"{{{{ $value | humanizeDuration }}}} ago; the freshness limit is {freshness} "
                f"({origin}).",
            ),
        })
        alert = "MfgintFlowDeadLetterBacklog"
        rules.append({
            "alert": alert,
            "expr": f"max({DEAD_LETTER_DEPTH}{{{m}}}) > 0\n",
            "for": "15m",
            "labels": labels("page" if tier1 else "ticket"),
            "annotations": annotations(
                alert,
                f"Dead letters of flow {flow.name} are waiting for replay",
                f"{{{{ $value }}}} dead letters of {flow.name} have waited for more than 15 "
                f"minutes ({self._dead_letter_place(flow)}).",
            ),
        })
        alert = "MfgintFlowDeadLetters"
        rules.append({
            "alert": alert,
            "expr": f"sum(increase({DEAD_LETTERS}{{{m}}}[15m])) > 0\n",
            "labels": labels("ticket"),
            "annotations": annotations(
                alert,
                f"Flow {flow.name} dead-lettered messages",
                f"{{{{ $value | printf \"%.0f\" }}}} messages of {flow.name} went to the dead "
                f"letters in the last 15 minutes ({self._dead_letter_place(flow)}).",
            ),
        })
        return {"name": f"mfgint.flow.{safe_segment(flow.name)}", "rules": rules}

    @staticmethod
    def _dead_letter_place(flow: Flow) -> str:
        dead = flow.dead_letter
        if dead is None:
            return "no dead-letter destination in the spec: see the connector's error logs"
        where = f" on {dead.system}" if dead.system else ""
        return f"{dead.target}{where}"
