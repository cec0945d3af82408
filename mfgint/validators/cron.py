"""A strict parser for 5-field cron expressions (Vixie cron syntax plus @aliases)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import lru_cache

ALIASES: dict[str, str] = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
MONTH_NAMES = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
DAY_NAMES = {"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}
# Days in each month, February counted in a leap year (a schedule on 29 Feb is valid).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True)
class Field:
    """One position of a cron expression: its name, allowed range and value names."""

    name: str
    low: int
    high: int
    names: dict[str, int]


FIELDS: tuple[Field, ...] = (
    Field("minute", 0, 59, {}),
    Field("hour", 0, 23, {}),
    Field("day-of-month", 1, 31, {}),
    Field("month", 1, 12, MONTH_NAMES),
    Field("day-of-week", 0, 7, DAY_NAMES),
)
LAYOUT = "minute hour day-of-month month day-of-week"


class CronError(ValueError):
    """A cron expression that does not parse; ``field`` names the faulty position, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class CronSchedule:
    """The values each field selects; day-of-week 7 is folded into 0 (Sunday)."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    day_restricted: bool
    weekday_restricted: bool


def parse_cron(text: str) -> CronSchedule:
    """Parse a 5-field cron expression or an @alias; raise CronError naming the bad field."""
    expr = text.strip()
    if not expr:
        raise CronError("the expression is empty")
    if expr.startswith("@"):
        alias = ALIASES.get(expr.lower())
        if alias is None:
            known = ", ".join(sorted(ALIASES))
            raise CronError(f"unknown alias '{expr}' (known: {known}; @reboot is not a schedule)")
        expr = alias
    parts = expr.split()
    if len(parts) != 5:
        raise CronError(f"it has {len(parts)} fields; a cron schedule has 5 ({LAYOUT})")
    values = [_parse_field(part, spec) for part, spec in zip(parts, FIELDS, strict=True)]
    weekdays = frozenset(0 if d == 7 else d for d in values[4])
    schedule = CronSchedule(
        minutes=values[0],
        hours=values[1],
        days=values[2],
        months=values[3],
        weekdays=weekdays,
        # Vixie cron: a day field starting with `*` leaves the other one alone to decide.
        day_restricted=not parts[2].startswith("*"),
        weekday_restricted=not parts[4].startswith("*"),
    )
    _check_reachable(schedule, parts[2])
    return schedule


@lru_cache(maxsize=4096)
def cron_error(text: str) -> CronError | None:
    """The reason ``text`` is not a valid cron schedule, or None when it is (cached)."""
    try:
        parse_cron(text)
    except CronError as exc:
        return exc
    return None


def _parse_field(text: str, spec: Field) -> frozenset[int]:
    """The values one field selects."""
    out: set[int] = set()
    for item in text.split(","):
        if not item:
            raise CronError(f"{spec.name} field '{text}' has an empty list item", spec.name)
        out.update(_parse_item(item, text, spec))
    return frozenset(out)


def _parse_item(item: str, whole: str, spec: Field) -> range:
    """One list item: ``*``, ``N``, ``A-B``, each optionally followed by ``/STEP``."""
    for quartz in ("?", "L", "W", "#"):
        if quartz in item.upper() and not (quartz in "LW" and _is_name(item, spec)):
            raise CronError(
                f"{spec.name} field '{whole}' uses '{quartz}', which is Quartz syntax, not cron",
                spec.name,
            )
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if not step_text.isdigit():
            raise CronError(f"{spec.name} field '{whole}': step '{step_text}' is not a number",
                            spec.name)
        step = int(step_text)
        if step == 0:
            raise CronError(f"{spec.name} field '{whole}': step 0 is not allowed", spec.name)
    if base == "*":
        low, high = spec.low, spec.high
    elif "-" in base:
        first, _, last = base.partition("-")
        low, high = _value(first, whole, spec), _value(last, whole, spec)
        if low > high:
            raise CronError(
                f"{spec.name} field '{whole}': range {base} runs backwards", spec.name
            )
    else:
        low = _value(base, whole, spec)
        # `N/STEP` means from N to the end of the range (cronie, robfig/cron).
        high = spec.high if slash else low
    if slash and step > spec.high - spec.low:
        raise CronError(
            f"{spec.name} field '{whole}': step {step} is larger than the {spec.name} range "
            f"{spec.low}-{spec.high}, so it selects a single value",
            spec.name,
        )
    return range(low, high + 1, step)


def _is_name(item: str, spec: Field) -> bool:
    return any(part.upper() in spec.names for part in item.replace("/", "-").split("-"))


def _value(text: str, whole: str, spec: Field) -> int:
    """A single number or name within the field's range."""
    if text.upper() in spec.names:
        return spec.names[text.upper()]
    if not text.isdigit():
        allowed = f"{spec.low}-{spec.high}"
        if spec.names:
            names = list(spec.names)
            allowed += f" or {names[0]}-{names[-1]}"
        raise CronError(f"{spec.name} field '{whole}': '{text}' is not a value ({allowed})",
                        spec.name)
    value = int(text)
    if not spec.low <= value <= spec.high:
        raise CronError(
            f"{spec.name} field '{whole}': {value} is out of range {spec.low}-{spec.high}",
            spec.name,
        )
    return value


def _check_reachable(s: CronSchedule, day_text: str) -> None:
    """Refuse day-of-month/month combinations that never occur (``0 0 30 2 *``)."""
    if not s.day_restricted or s.weekday_restricted:
        return  # with both day fields restricted cron runs when either matches
    longest = max(_MONTH_DAYS[m - 1] for m in s.months)
    if min(s.days) > longest:
        months = ", ".join(calendar.month_abbr[m] for m in sorted(s.months))
        raise CronError(
            f"day-of-month field '{day_text}': no selected day exists in {months}, so the "
            "schedule never runs",
            "day-of-month",
        )
