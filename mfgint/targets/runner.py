"""Run targets into a Planner: in this process, or split across worker processes on big runs.

A large landscape makes over a hundred thousand files. Each worker is a fork of this process,
so it shares the Model, the graph and what ``Target.prepare`` built (copy on write); it renders
its share of the files, stages them in the planner's staging folder and sends back only their
paths, hashes and actions. The files are the same whichever process makes them, so the output
does not depend on the number of workers.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os

from mfgint.targets.base import TargetContext
from mfgint.targets.registry import TARGETS
from mfgint.targets.writer import FileRecord, ManifestEntry, Planner

# Below this many flows a run takes a few seconds and worker processes cost more than they save.
PARALLEL_MIN_FLOWS = 1000
MAX_JOBS = 4
# Most expensive first, so that the last unit to start is a small one.
COST_ORDER = ("connectors", "runbooks", "alerts", "openapi", "kong", "asyncapi")

# What the forked workers read: set just before the pool starts, cleared after it.
_JOB: tuple[TargetContext, Planner] | None = None

Unit = tuple[str, int, int]  # target name, shard, shards
Sent = tuple[str, str, bool, str, str]  # path, sha256, once, action, reason


def default_jobs(ctx: TargetContext) -> int:
    """How many processes a run uses: ``MFGINT_JOBS`` when set; else 1 for small landscapes or
    where fork is unavailable, else one per CPU (at most MAX_JOBS)."""
    wanted = os.environ.get("MFGINT_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted) if hasattr(os, "fork") else 1
    if len(ctx.model.flows) < PARALLEL_MIN_FLOWS or not hasattr(os, "fork"):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def run_targets(ctx: TargetContext, names: tuple[str, ...] | list[str], planner: Planner,
                jobs: int | None = None) -> None:
    """Generate the named targets into ``planner``."""
    jobs = default_jobs(ctx) if jobs is None else jobs
    if jobs <= 1 or planner.mode == "memory":
        for name in names:
            for file in TARGETS[name]().iter_files(ctx):
                planner.add(name, file)
        return
    units: list[Unit] = []
    for name in sorted(names, key=_cost):
        target = TARGETS[name]()
        target.prepare(ctx)
        shards = jobs if target.shardable else 1
        units.extend((name, shard, shards) for shard in range(shards))
    units.sort(key=lambda u: (_cost(u[0]), u[1]))
    if len(units) == 1:
        run_targets(ctx, names, planner, jobs=1)
        return
    planner.prepare()
    global _JOB
    _JOB = (ctx, planner)
    gc.collect()
    gc.freeze()  # the workers then leave the shared objects' pages alone
    try:
        # A fresh fork per unit: one unit's leftovers never add to the next one's peak memory.
        pool_ctx = multiprocessing.get_context("fork")
        with pool_ctx.Pool(min(jobs, len(units)), maxtasksperchild=1) as pool:
            for name, sent in pool.imap_unordered(_work, units):
                for path, sha, once, action, reason in sent:
                    planner.keep(FileRecord(path, ManifestEntry(sha, name, once), action, reason),
                                 name)
    finally:
        _JOB = None
        gc.unfreeze()


def _cost(name: str) -> int:
    return COST_ORDER.index(name) if name in COST_ORDER else len(COST_ORDER)


def _work(unit: Unit) -> tuple[str, list[Sent]]:
    """In a worker: make one shard of one target's files, stage them, describe them."""
    assert _JOB is not None
    name, shard, shards = unit
    ctx, planner = _JOB
    mine = dataclasses.replace(ctx, shard=shard, shards=shards)
    sent: list[Sent] = []
    for file in TARGETS[name]().iter_files(mine):
        record = planner.examine(name, file)
        planner.targets[record.path] = name  # later duplicates in this worker are caught here
        sent.append((record.path, record.entry.sha256, record.entry.once, record.action,
                     record.reason))
    return name, sent

