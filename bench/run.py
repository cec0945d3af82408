"""Measure mfgint on synthetic landscapes: wall time and peak RSS, as ratios to a parse floor.

For each size the landscape is written by bench/synth.py into bench/.work/, then every step runs
in a fresh child process (through a small wrapper that reports the wall time and the peak RSS
of its own children), so one step's memory never hides another's:

- floor: parse every spec file with PyYAML's libyaml loader (CSafeLoader) and nothing else;
- mfgint validate, mfgint graph --format json, mfgint generate (all targets), when they exist;
- peer: check-jsonschema on the same documents, one document per file, with the schemas
  exported by `mfgint schema --out-dir` (one invocation per kind; times summed).

Usage: python bench/run.py --sizes 2000,20000 [--plants-per-1k-flows 10] [--repeat 1]
       [--skip-peer] [--seed 7] [--today 2026-11-28] [--output FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import synth

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
PY = sys.executable

# Runs a command with stdout sent to a file and prints its wall time and peak RSS as JSON. It is
# a separate process so that RUSAGE_CHILDREN holds exactly one command's peak.
WRAPPER = r"""
import json, resource, subprocess, sys, time
out, cwd, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as fh:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, cwd=cwd or None)
    seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_kb": usage.ru_maxrss, "rc": proc.returncode, "stderr": tail}))
"""


def edit(original: bytes, i: int) -> bytes:
    """A flows file after a real edit: one flow's description reworded and a line added on top."""
    changed = original.replace(b"description: >-\n    ", f"description: >-\n    ({i}) ".encode(), 1)
    if changed == original:
        raise SystemExit("bench: the flows file to edit has no description to change")
    return f"# edited by bench/run.py ({i})\n".encode() + changed


@dataclass
class Measure:
    """One step at one size: median wall and CPU seconds over the repeats, highest peak RSS."""

    size: int
    plants: int
    step: str
    seconds: float | None
    rss_mb: float | None
    note: str = ""
    failed: bool = False
    cpu: float | None = None


@dataclass
class SizeResult:
    """Every step measured at one size."""

    size: int
    plants: int
    files: int
    steps: dict[str, Measure] = field(default_factory=dict)


class Wrapped(TypedDict):
    """What the wrapper reports about one command."""

    seconds: float
    cpu: float
    rss_kb: int
    rc: int
    stderr: list[str]


def run_wrapped(cmd: list[str], stdout: Path, cwd: Path | None = None,
                cache: Path | None = None) -> Wrapped:
    """Run ``cmd`` in a fresh wrapper process; its wall time, peak RSS (KiB) and exit code.

    mfgint's cache goes to ``cache`` (a fresh, empty folder when None), never to the user's.
    """
    with tempfile.TemporaryDirectory(prefix="mfgint-bench-cache-") as fresh:
        env = {**os.environ, "MFGINT_CACHE_DIR": str(cache or fresh)}
        proc = subprocess.run([PY, "-c", WRAPPER, str(stdout), str(cwd or ""), *cmd],
                              capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"wrapper failed for {cmd[:4]}: {proc.stderr.strip()}")
    result: Wrapped = json.loads(proc.stdout)
    return result


def parse_floor(folder: Path) -> int:
    """Parse every spec file under ``folder`` with CSafeLoader; the number of documents."""
    import yaml

    count = 0
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            count += sum(1 for _ in yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader))
    return count


def has_command(name: str) -> bool:
    """Whether this mfgint has the subcommand ``name``."""
    proc = subprocess.run([PY, "-m", "mfgint", name, "--help"], capture_output=True,
                          text=True, check=False)
    return proc.returncode == 0


def help_text(name: str) -> str:
    """The --help text of an mfgint subcommand."""
    proc = subprocess.run([PY, "-m", "mfgint", name, "--help"], capture_output=True,
                          text=True, check=False, env={**os.environ, "COLUMNS": "200"})
    return proc.stdout


def measure(size: int, plants: int, step: str, runs: list[tuple[list[str], Path, Path | None]],
            repeat: int, ok_codes: tuple[int, ...] = (0,),
            cache: Path | None = None) -> tuple[Measure, list[int]]:
    """Time ``runs`` (commands whose times add up to the step), ``repeat`` times."""
    totals: list[float] = []
    cpus: list[float] = []
    peak = 0
    codes: list[int] = []
    notes: list[str] = []
    for _ in range(repeat):
        total = cpu = 0.0
        for cmd, out, cwd in runs:
            r = run_wrapped(cmd, out, cwd, cache)
            total += r["seconds"]
            cpu += r["cpu"]
            peak = max(peak, r["rss_kb"])
            codes.append(r["rc"])
            if r["rc"] not in ok_codes:
                notes.append(f"exit {r['rc']}: {' / '.join(r['stderr'])}")
        totals.append(total)
        cpus.append(cpu)
    note = notes[0] if notes else ""
    m = Measure(size, plants, step, statistics.median(totals), peak / 1024, note, bool(notes),
                statistics.median(cpus))
    return m, codes


def findings(report: Path) -> str:
    """The counts of a ``validate -f json`` report, or why they are missing."""
    try:
        summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    except (OSError, ValueError, KeyError):
        return "no report"
    total = summary["errors"] + summary["warnings"] + summary["infos"]
    if total == 0:
        return "clean"
    return f"{summary['errors']} errors, {summary['warnings']} warnings, {summary['infos']} infos"


def run_size(size: int, plants: int, args: argparse.Namespace) -> SizeResult:
    """Generate one landscape and measure every step on it."""
    base = WORK / str(size)
    specs, split, schemas, outs = base / "specs", base / "split", base / "schemas", base / "out"
    print(f"[{size} flows / {plants} plants] writing the landscape to {base}", file=sys.stderr)
    land = synth.build_landscape(plants, size, args.seed)
    files = synth.write_landscape(land, specs)
    if not args.skip_peer:
        synth.write_split(land, split)
    set_aside(outs)
    outs.mkdir(parents=True)
    result = SizeResult(size, plants, files)
    rep = args.repeat

    def record(step: str, m: Measure) -> None:
        """Keep a measurement and show progress on stderr."""
        result.steps[step] = m
        shown = "n/a" if m.seconds is None else f"{m.seconds:.2f}s, {m.rss_mb:.0f} MB"
        print(f"[{size} flows] {step}: {shown} {m.note}", file=sys.stderr)

    m, _ = measure(size, plants, "floor", [([PY, str(BENCH / "run.py"), "--parse-floor",
                                            str(specs)], outs / "floor.txt", None)], rep)
    record("floor", m)

    validate_help = help_text("validate")
    cache = ["--no-cache"] if "--no-cache" in validate_help else []
    report = outs / "validate.json"
    cmd = [PY, "-m", "mfgint", "validate", str(specs), "--today", args.today, "-f", "json",
           "-o", str(report), *cache]
    m, _ = measure(size, plants, "validate", [(cmd, outs / "validate.out", None)], rep,
                   ok_codes=(0, 1))
    m.note = (m.note or findings(report)) + ("" if cache else "; fresh cache folder")
    m.failed = m.failed or findings(report) != "clean"
    record("validate", m)

    # The edit loop of a large landscape: one cold run fills the cache (unmeasured), one file is
    # edited, and the next run is measured. The budget: <= 25% of a cold run. The edit
    # changes data (a flow's description) and shifts every line of the file (a new first line),
    # so neither the file's parse nor the positions of its findings can be reused.
    warm = base / "cache"
    shutil.rmtree(warm, ignore_errors=True)
    warm.mkdir()
    cmd = [c for c in cmd if c != "--no-cache"]
    run_wrapped(cmd, outs / "validate.out", None, warm)
    edited = sorted(specs.glob("flows/*/operations.yaml"))[0]  # one plant's internal flows
    original = edited.read_bytes()
    times_warm: list[Measure] = []
    for i in range(rep):
        edited.write_bytes(edit(original, i))
        one, _ = measure(size, plants, "validate (one file edited)",
                         [(cmd, outs / "validate.out", None)], 1, ok_codes=(0, 1), cache=warm)
        times_warm.append(one)
    edited.write_bytes(original)
    m = times_warm[0]
    m.seconds = statistics.median(t.seconds or 0.0 for t in times_warm)
    m.cpu = statistics.median(t.cpu or 0.0 for t in times_warm)
    m.note = m.note or (f"cache filled by a first run, then {edited.relative_to(specs)} edited "
                        "(a description changed, a line added)")
    record("validate, one file edited", m)

    if has_command("graph"):
        extra = _common_options("graph", args.today)
        cmd = [PY, "-m", "mfgint", "graph", str(specs), "--format", "json", *extra]
        m, _ = measure(size, plants, "graph", [(cmd, outs / "graph.json", None)], rep)
    else:
        m = Measure(size, plants, "graph", None, None, "n/a (not implemented yet)")
    record("graph --format json", m)

    if args.skip_generate_above is not None and size > args.skip_generate_above:
        m = Measure(size, plants, "generate", None, None,
                    f"skipped (--skip-generate-above {args.skip_generate_above})")
    elif has_command("generate"):
        extra = _common_options("generate", args.today)
        gen = outs / "generated"
        cmd = [PY, "-m", "mfgint", "generate", str(specs), "--out", str(gen), *extra]
        times: list[Measure] = []
        for _ in range(rep):  # a fresh output folder each time: no "unchanged file" shortcut
            set_aside(gen)
            one, _ = measure(size, plants, "generate", [(cmd, outs / "generate.out", None)], 1)
            times.append(one)
        m = times[0]
        m.seconds = statistics.median(t.seconds or 0.0 for t in times)
        m.cpu = statistics.median(t.cpu or 0.0 for t in times)
        m.rss_mb = max(t.rss_mb or 0.0 for t in times)
    else:
        m = Measure(size, plants, "generate", None, None, "n/a (not implemented yet)")
    record("generate (all targets)", m)

    if args.skip_peer:
        m = Measure(size, plants, "peer", None, None, "skipped (--skip-peer)")
    else:
        subprocess.run([PY, "-m", "mfgint", "schema", "--out-dir", str(schemas)], check=True,
                       capture_output=True)
        checker = shutil.which("check-jsonschema", path=str(Path(PY).parent)) or shutil.which(
            "check-jsonschema")
        if checker is None:
            m = Measure(size, plants, "peer", None, None,
                        "check-jsonschema not installed (pip install check-jsonschema)")
        else:
            runs: list[tuple[list[str], Path, Path | None]] = []
            for kind_dir in sorted(p for p in split.iterdir() if p.is_dir()):
                names = sorted(p.name for p in kind_dir.glob("*.yaml"))
                for chunk in _chunks(names):
                    runs.append(([checker, "--schemafile",
                                  str(schemas / f"{kind_dir.name}.schema.json"), *chunk],
                                 outs / f"peer-{kind_dir.name}.txt", kind_dir))
            m, _ = measure(size, plants, "peer", runs, rep)
            m.note = m.note or f"{len(runs)} invocations, one per kind"
    record("check-jsonschema (peer)", m)
    return result


def _common_options(command: str, today: str) -> list[str]:
    """--no-cache and --today for a subcommand, when it has them."""
    text = help_text(command)
    extra = ["--no-cache"] if "--no-cache" in text else []
    return [*extra, "--today", today] if "--today" in text else extra


def _chunks(names: list[str]) -> list[list[str]]:
    """Split file lists that would not fit on one command line (rare: about 50k files)."""
    limit = max(100_000, os.sysconf("SC_ARG_MAX") // 2 - 100_000)
    chunks: list[list[str]] = [[]]
    used = 0
    for name in names:
        if used + len(name) + 1 > limit and chunks[-1]:
            chunks.append([])
            used = 0
        chunks[-1].append(name)
        used += len(name) + 1
    return chunks


def machine() -> str:
    """One line about the machine: CPUs, CPU model, Python."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def table(results: list[SizeResult]) -> list[str]:
    """The Markdown table of every measurement."""
    lines = ["| flows | plants | files | step | wall s | CPU s | peak RSS MB | x floor (wall) "
             "| notes |",
             "|---:|---:|---:|---|---:|---:|---:|---:|---|"]
    for res in results:
        floor = res.steps["floor"].seconds
        for step, m in res.steps.items():
            secs = "n/a" if m.seconds is None else f"{m.seconds:.2f}"
            cpu = "n/a" if m.cpu is None else f"{m.cpu:.2f}"
            rss = "n/a" if m.rss_mb is None else f"{m.rss_mb:.0f}"
            r = ratio(m.seconds, floor)
            shown = "n/a" if r is None else f"{r:.2f}"
            lines.append(f"| {res.size} | {res.plants} | {res.files} | {step} | {secs} | {cpu} "
                         f"| {rss} "
                         f"| {shown} | {m.note} |")
    return lines


def budgets(results: list[SizeResult]) -> list[str]:
    """PASS / FAIL for each budget of issue 6, at the largest size."""
    big = max(results, key=lambda r: r.size)
    small = min(results, key=lambda r: r.size)
    floor = big.steps["floor"].seconds
    val = big.steps["validate"]
    gen = big.steps["generate (all targets)"]
    peer = big.steps["check-jsonschema (peer)"]
    lines = [f"Budgets at {big.size} flows / {big.plants} plants "
             "(defined for 20000 flows / 200 plants):", ""]

    def check(label: str, value: float | None, limit: float, fmt: str, *, at_least: bool = False,
              note: str = "") -> None:
        """Add one PASS / FAIL line (n/a when the value was not measured)."""
        if value is None:
            lines.append(f"- n/a  {label}: not measured {note}".rstrip())
            return
        ok = value >= limit if at_least else value <= limit
        op = ">=" if at_least else "<="
        lines.append(f"- {'PASS' if ok else 'FAIL'} {label}: {value:{fmt}} ({op} {limit:{fmt}})")

    check("validate / floor", ratio(val.seconds, floor), 2.0, ".2f")
    check("check-jsonschema / validate", ratio(peer.seconds, val.seconds), 3.0, ".2f",
          at_least=True, note=peer.note)
    mfgint_steps = [m for k, m in big.steps.items() if k not in ("floor", "check-jsonschema (peer)")
                    and m.rss_mb is not None]
    peak = max((m.rss_mb for m in mfgint_steps if m.rss_mb is not None), default=None)
    check("peak RSS of mfgint steps, MB", peak, 1024.0, ".0f")
    if big.size != small.size:
        growth = ratio(val.seconds, small.steps["validate"].seconds)
        limit = 1.1 * big.size / small.size
        check(f"validate time growth {small.size} -> {big.size} flows "
              f"({big.size / small.size:.0f}x input)", growth, limit, ".2f")
    else:
        lines.append("- n/a  growth: give two sizes (for example --sizes 2000,20000)")
    check("generate / floor", ratio(gen.seconds, floor), 5.0, ".2f", note=gen.note)
    edited = big.steps.get("validate, one file edited")
    if edited is not None:
        check("validate after editing one file / cold validate",
              ratio(edited.seconds, val.seconds), 0.25, ".2f")
    cpu_floor = big.steps["floor"].cpu
    views = [("validate / floor", ratio(val.cpu, cpu_floor)),
             ("generate / floor", ratio(gen.cpu, cpu_floor)),
             ("check-jsonschema / validate", ratio(peer.cpu, val.cpu))]
    shown = ", ".join(f"{label} {value:.2f}" for label, value in views if value is not None)
    if shown:
        lines.append(f"- info CPU-time ratios (less sensitive to other load on the machine): "
                     f"{shown}")
    if not val.note.startswith("clean"):
        lines.append(f"- FAIL validate must be clean on the synthetic landscape: {val.note}")
    return lines


TRASH = WORK / ".trash"


def set_aside(path: Path) -> None:
    """Move an earlier output out of the way; it is deleted when the measurements are done.

    Deleting a tree of 100 000 files just before `generate` would be measured too: ext4 avoids
    reusing recently freed inodes, and creating files right after a large delete costs about
    ten times the system time it does otherwise.
    """
    if path.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        path.rename(Path(tempfile.mkdtemp(dir=TRASH)) / path.name)


def compile_bytecode() -> None:
    """Compile mfgint's modules, as ``pip install`` does, so no step pays for compiling them.

    From a source checkout with PYTHONDONTWRITEBYTECODE set, every run would otherwise compile
    every module again (60-80 ms), which an installed mfgint never does.
    """
    code = "import mfgint, os; print(os.path.dirname(mfgint.__file__))"
    package = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True)
    subprocess.run([PY, "-m", "compileall", "-q", package.stdout.strip()], check=True)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000",
                        help="comma-separated flow counts (default 2000,20000)")
    parser.add_argument("--plants-per-1k-flows", type=float, default=10.0,
                        help="plants per 1000 flows (default 10: 200 plants at 20000 flows)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the median is kept")
    parser.add_argument("--skip-peer", action="store_true", help="do not run check-jsonschema")
    parser.add_argument("--skip-generate-above", type=int, default=None, metavar="FLOWS",
                        help="do not run generate on landscapes larger than FLOWS")
    parser.add_argument("--seed", type=int, default=7, help="landscape seed (default 7)")
    parser.add_argument("--today", default="2026-11-28",
                        help="--today given to mfgint validate (default 2026-11-28)")
    parser.add_argument("--output", type=Path, default=None, help="also write the report here")
    parser.add_argument("--parse-floor", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.parse_floor is not None:
        print(parse_floor(args.parse_floor))
        return 0
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        print(f"error: --sizes must be comma-separated integers, not {args.sizes!r}",
              file=sys.stderr)
        return 2
    if not sizes or args.repeat < 1:
        print("error: give at least one size and --repeat >= 1", file=sys.stderr)
        return 2
    plan = [(size, max(1, round(size * args.plants_per_1k_flows / 1000))) for size in sizes]
    try:
        for size, plants in plan:  # fail before measuring anything if a size does not fit
            synth.Builder(plants, size, args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    compile_bytecode()
    results = [run_size(size, plants, args) for size, plants in plan]
    shutil.rmtree(TRASH, ignore_errors=True)
    lines = [f"Machine: {machine()}", "", *table(results), "", *budgets(results)]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
