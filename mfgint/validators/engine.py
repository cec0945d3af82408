"""Run the rules, then apply selection, severities, waivers and the baseline."""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from mfgint.compiler.loader import _glob_match
from mfgint.compiler.model import Model, Waiver
from mfgint.config import Config, ConfigError
from mfgint.diagnostics import Diagnostic, Related, Severity, Suppression, sort_diagnostics
from mfgint.validators.incremental import Landscape, RuleCache, run_scoped
from mfgint.validators.registry import CheckFn, Registry, Rule, RuleContext

ALWAYS_ON = ("YML", "SCH", "REF")
BASELINE_VERSION = 1


@dataclass(frozen=True)
class Selection:
    """Which codes are on: the longest matching prefix among select and ignore wins."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    cli_select: tuple[str, ...] = ()
    cli_ignore: tuple[str, ...] = ()

    def enabled(self, rule: Rule) -> bool:
        """True when the rule's findings are reported."""
        best_len = -1
        best = True
        # Command-line entries come last so that, at equal length, they beat the config file.
        entries = [
            *((p, True) for p in self.select),
            *((p, False) for p in self.ignore),
            *((p, True) for p in self.cli_select),
            *((p, False) for p in self.cli_ignore),
        ]
        explicit_select = bool(self.select or self.cli_select)
        for prefix, on in entries:
            if _matches(rule, prefix) and len(prefix) >= best_len:
                best_len = len(prefix)
                best = on
        if best_len < 0:
            return not explicit_select or rule.prefix in ALWAYS_ON
        return best


def _matches(rule: Rule, prefix: str) -> bool:
    p = prefix.strip()
    return rule.code.startswith(p.upper()) or p.lower() == rule.family.lower()


def validate_selectors(registry: Registry, items: Iterable[str]) -> None:
    """Refuse --select/--ignore entries that match no rule (exit 2)."""
    for item in items:
        if not any(_matches(r, item) for r in registry):
            raise ConfigError(
                f"--select/--ignore entry {item!r} matches no rule code or family",
                hint="see `mfgint rules` for codes and families",
            )


def _severity_for(
    code: str, family: str, table: Mapping[str, Severity | None], default: Severity | None
) -> Severity | None:
    best_len = -1
    result = default
    for key, sev in table.items():
        if (code.startswith(key.upper()) or key.lower() == family) and len(key) > best_len:
            best_len = len(key)
            result = sev
    return result


@dataclass(frozen=True)
class Outcome:
    """Reported diagnostics, plus those left out by the baseline."""

    diagnostics: tuple[Diagnostic, ...]
    baselined: int = 0

    def failing(self, fail_on: Severity | None) -> list[Diagnostic]:
        """Findings that fail the run at this threshold (waived ones never do)."""
        if fail_on is None:
            return []
        return [d for d in self.diagnostics if not d.waived and d.severity >= fail_on]


def run_rules(
    model: Model,
    registry: Registry,
    config: Config,
    today: dt.date,
    graph: Callable[[], object],
    selection: Selection,
    progress: Callable[[str, int, int], None] | None = None,
    memo: tuple[RuleCache, Landscape] | None = None,
) -> list[Diagnostic]:
    """Run every enabled rule with a check function over the model.

    With ``memo``, rules that declare a scope run only on subjects in changed files and the
    other findings come from the previous run (see :mod:`mfgint.validators.incremental`).
    """
    out: list[Diagnostic] = []
    rules = [r for r in registry if r.check is not None and selection.enabled(r)]
    day = today.isoformat()
    for done, rule in enumerate(rules):
        if progress is not None:
            progress("running rules", done, len(rules))
        check = rule.check
        if check is None:  # pragma: no cover - filtered above, kept for the type checker
            continue
        options = config.options.get(rule.code, {})

        def run(only: frozenset[str] | None, rule: Rule = rule, check: CheckFn = check,
                options: Mapping[str, object] = options) -> Iterable[Diagnostic]:
            return check(RuleContext(model, rule, options, today, graph, only))  # type: ignore[arg-type]

        try:
            if memo is not None and rule.scope is not None:
                cache, land = memo
                key = land.context_key(f"{rule.code}:{_code_stamp(check)}",
                                       {**rule.options, **options}, day, rule.scope.reads)
                out.extend(run_scoped(cache, land, rule.code, rule.scope.subjects, key, run))
            else:
                out.extend(run(None))
        except ConfigError:
            raise  # a bad rule option is the user's to fix: exit 2 with the message
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            raise RuleCrash(
                f"rule {rule.code} ({rule.name}) failed: {exc!r} at "
                f"{Path(where.filename).name}:{where.lineno}"
            ) from exc
    return out


def _code_stamp(check: CheckFn) -> str:
    """Size and mtime of the module a check lives in: a plugin upgrade invalidates its cache."""
    code = getattr(check, "__code__", None)
    try:
        st = os.stat(code.co_filename) if code is not None else None
    except OSError:
        st = None
    return f"{st.st_size}:{st.st_mtime_ns}" if st is not None else "?"


class RuleCrash(Exception):
    """A rule raised: a bug in mfgint or a plugin, reported as an internal error."""


def finish(
    diags: Sequence[Diagnostic],
    model: Model | None,
    registry: Registry,
    config: Config,
    selection: Selection,
    today: dt.date,
    baseline: set[str] | None = None,
) -> Outcome:
    """Apply selection, severity overrides, waivers and the baseline; sort."""
    kept: list[Diagnostic] = []
    for d in diags:
        rule = registry.get(d.code)
        family = rule.family if rule else ""
        if rule is not None and not selection.enabled(rule):
            continue
        sev = _severity_for(d.code, family, config.severity, d.severity)
        for override in config.overrides:
            rel = _relative(d.span.file, config.root)
            if any(_glob_match(rel, g) for g in override.files):
                sev = _severity_for(d.code, family, override.severity, sev)
        if sev is None:
            continue
        kept.append(d if sev == d.severity else d.with_severity(sev))
    if model is not None:
        kept = _apply_waivers(kept, model, registry, selection, today)
    baselined = 0
    if baseline:
        fresh = []
        for d in kept:
            if d.fingerprint() in baseline:
                baselined += 1
            else:
                fresh.append(d)
        kept = fresh
    return Outcome(tuple(sort_diagnostics(kept)), baselined)


def _relative(file: str, root: Path) -> str:
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file


def _apply_waivers(
    diags: list[Diagnostic],
    model: Model,
    registry: Registry,
    selection: Selection,
    today: dt.date,
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    used: set[str] = set()
    active: dict[tuple[str, str, str], Waiver] = {}
    extra: list[Diagnostic] = []
    wvr001 = registry.get("WVR001")
    wvr002 = registry.get("WVR002")
    for w in model.waivers.values():
        expired = w.expires is not None and w.expires < today
        if expired:
            if wvr001 is not None and selection.enabled(wvr001):
                extra.append(
                    Diagnostic(
                        "WVR001",
                        wvr001.severity,
                        f"Waiver '{w.name}' for {w.rule} on {w.target.kind}/{w.target.name} "
                        f"expired on {w.expires_text}; it no longer waives anything",
                        w.loc("spec", "expires"),
                        "renew it with a new approval and expiry date, or fix the finding and "
                        "remove the waiver",
                        resource=w.ref,
                        anchor="spec/expires",
                    )
                )
            continue
        active[(w.rule, w.target.kind, w.target.name)] = w
    for d in diags:
        r = d.resource
        hit = active.get((d.code, r.kind, r.name)) if r else None
        if hit is None:
            out.append(d)
            continue
        used.add(hit.name)
        out.append(
            replace(
                d,
                suppression=Suppression(
                    hit.name, hit.reason, hit.approver, hit.expires_text, hit.span
                ),
            )
        )
    for w in active.values():
        if w.name in used or wvr002 is None or not selection.enabled(wvr002):
            continue
        rule = registry.get(w.rule)
        if rule is not None and not selection.enabled(rule):
            continue  # the rule did not run, so the waiver cannot be judged stale
        why = (
            "no rule has this code"
            if rule is None
            else f"{w.rule} reports nothing on {w.target.kind}/{w.target.name}"
        )
        extra.append(
            Diagnostic(
                "WVR002",
                wvr002.severity,
                f"Waiver '{w.name}' is stale: {why}",
                w.loc("spec", "rule"),
                "remove the waiver, or correct its rule code or target",
                related=(Related(w.loc("spec", "target"), "waiver target"),),
                resource=w.ref,
                anchor="spec/rule",
            )
        )
    return out + extra


def read_baseline(path: Path) -> set[str]:
    """Fingerprints recorded by ``--write-baseline``."""
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("version") != BASELINE_VERSION:
            raise ConfigError(
                f"{path}: baseline version {data.get('version')!r} is not {BASELINE_VERSION}",
                hint="write it again with --write-baseline",
            )
        return {f["fingerprint"] for f in data["findings"]}
    except FileNotFoundError:
        raise ConfigError(
            f"baseline file {path} does not exist", hint="create it with --write-baseline FILE"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"baseline file {path} is not a mfgint baseline: {exc}") from None


def baseline_document(diags: Iterable[Diagnostic]) -> str:
    """The JSON a baseline file holds: fingerprints with enough context to review them."""
    findings = [
        {
            "fingerprint": d.fingerprint(),
            "code": d.code,
            "file": d.span.file,
            "resource": str(d.resource) if d.resource else None,
            "message": d.message,
        }
        for d in diags
        if not d.waived
    ]
    findings.sort(key=lambda f: (f["file"], f["code"], f["fingerprint"]))
    return json.dumps({"version": BASELINE_VERSION, "findings": findings}, indent=2) + "\n"
