"""Run targets into a Planner: in this process, or split across worker processes on big runs.

A large landscape makes over a hundred thousand files. Each worker is a fork of this process,
so it shares the Model, the graph and what ``Target.prepare`` built (copy on write). A shardable
target is split into two units of work per worker, the others are one unit each; each worker
takes the next unit as soon as it is done with one, renders its files, stages them in the
planner's staging folder and sends back only their paths, hashes and actions. The files are
the same whichever process makes them, so the output does not depend on the number of workers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
from collections.abc import Iterator

from mfgint.targets.base import TargetContext
from mfgint.targets.registry import TARGETS
from mfgint.targets.writer import FileRecord, ManifestEntry, Planner

# Below this many flows a run takes a few seconds and worker processes cost more than they save.
PARALLEL_MIN_FLOWS = 1000
MAX_JOBS = 4
SHARDS_PER_JOB = 2
# Most expensive first, so that the last unit to start is a small one; except alerts, whose
# rule files can be tens of megabytes: done first, while the processes are smallest.
COST_ORDER = ("alerts", "connectors", "runbooks", "openapi", "kong", "asyncapi")

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
        with _collecting():
            for name in names:
                for file in TARGETS[name]().iter_files(ctx):
                    planner.add(name, file)
        return
    units: list[Unit] = []
    for name in sorted(names, key=_cost):
        target = TARGETS[name]()
        target.prepare(ctx)
        # Two shards per process: the units that finish last are then small ones, and the
        # processes end together.
        shards = SHARDS_PER_JOB * jobs if target.shardable else 1
        units.extend((name, shard, shards) for shard in range(shards))
    units.sort(key=lambda u: (_cost(u[0]), u[1]))
    if len(units) == 1:
        run_targets(ctx, names, planner, jobs=1)
        return
    planner.prepare()
    global _JOB
    _JOB = (ctx, planner)
    # Frozen objects are never walked by the collector, so the workers (which collect what
    # they make, see _collecting) leave the shared objects' pages alone. No collection first:
    # at this size it walks millions of objects for seconds, while the workers wait.
    gc.freeze()
    try:
        # One fork per process, each taking units until none is left: replacing a process
        # after each unit costs a fork of this large process and up to a tenth of a second
        # of the pool's polling per unit. What a unit makes is freed when it ends (_work
        # collects the cycles), so the next unit reuses that memory.
        pool_ctx = multiprocessing.get_context("fork")
        with pool_ctx.Pool(min(jobs, len(units))) as pool:
            for name, sent in pool.imap_unordered(_work, units):
                for path, sha, once, action, reason in sent:
                    planner.keep(FileRecord(path, ManifestEntry(sha, name, once), action, reason),
                                 name)
    finally:
        _JOB = None
        gc.unfreeze()


@contextlib.contextmanager
def _collecting() -> Iterator[None]:
    """Collect reference cycles while rendering, without re-walking what existed before.

    The CLI runs without the cyclic garbage collector (a large Model would be walked again and
    again for nothing), but rendering makes cycles (jinja macros and their contexts, closures)
    that would otherwise stay until the process ends: hundreds of megabytes on a large run.
    What exists now is frozen (never walked); only the objects rendering makes are.
    """
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()
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
    with _collecting():
        for file in TARGETS[name]().iter_files(mine):
            record = planner.examine(name, file)
            planner.targets[record.path] = name  # later duplicates in this worker are caught
            sent.append((record.path, record.entry.sha256, record.entry.once, record.action,
                         record.reason))
    return name, sent

