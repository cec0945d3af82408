"""The 5-field cron parser used by LAT003."""

from __future__ import annotations

import pytest

from mfgint.validators.cron import CronError, cron_error, parse_cron


@pytest.mark.parametrize(
    "expr",
    [
        "* * * * *",
        "*/5 * * * *",
        "0 2 * * *",
        "*/15 6-20 * * 1-5",
        "*/15 6-20 * * MON-FRI",
        "0 0 1 JAN,jul *",
        "0,30 8-18/2 * * sun",
        "5/15 * * * *",
        "0 0 * * 7",
        "0 0 29 2 *",
        "0 0 31 1-12 *",
        "0 0 30 2 MON",
        "@hourly",
        "@daily",
        "@midnight",
        "@weekly",
        "@monthly",
        "@yearly",
        "@annually",
        "  0 2 * * *  ",
    ],
)
def test_valid_expressions(expr: str) -> None:
    """Standard Vixie cron forms and aliases parse."""
    assert cron_error(expr) is None


@pytest.mark.parametrize(
    ("expr", "field", "fragment"),
    [
        ("60 * * * *", "minute", "60 is out of range 0-59"),
        ("0 24 * * *", "hour", "24 is out of range 0-23"),
        ("0 0 0 * *", "day-of-month", "0 is out of range 1-31"),
        ("0 0 32 * *", "day-of-month", "32 is out of range 1-31"),
        ("0 0 * 13 *", "month", "13 is out of range 1-12"),
        ("0 0 * * 8", "day-of-week", "8 is out of range 0-7"),
        ("0 0 * FOO *", "month", "'FOO' is not a value (1-12 or JAN-DEC)"),
        ("0 0 * * MONDAY", "day-of-week", "'MONDAY' is not a value"),
        ("0 20-6 * * *", "hour", "range 20-6 runs backwards"),
        ("*/0 * * * *", "minute", "step 0"),
        ("*/x * * * *", "minute", "step 'x' is not a number"),
        ("*/90 * * * *", "minute", "step 90 is larger than the minute range"),
        ("1,,2 * * * *", "minute", "empty list item"),
        ("0 12 ? * MON", "day-of-month", "Quartz"),
        ("0 12 L * *", "day-of-month", "Quartz"),
        ("0 12 * * MON#2", "day-of-week", "Quartz"),
        ("0 0 30 2 *", "day-of-month", "no selected day exists in Feb"),
        ("0 0 31 4,6 *", "day-of-month", "Apr, Jun"),
    ],
)
def test_invalid_expressions_name_the_field(expr: str, field: str, fragment: str) -> None:
    """Each error names the faulty field and says what is wrong."""
    with pytest.raises(CronError) as info:
        parse_cron(expr)
    assert info.value.field == field
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [
        ("", "empty"),
        ("0 2 * *", "4 fields"),
        ("0 0 2 * * *", "6 fields"),
        ("@every 5m", "unknown alias"),
        ("@reboot", "@reboot is not a schedule"),
    ],
)
def test_invalid_shapes(expr: str, fragment: str) -> None:
    """Wrong field counts and aliases are refused without a field name."""
    err = cron_error(expr)
    assert err is not None
    assert err.field is None
    assert fragment in err.message


def test_values_are_expanded() -> None:
    """Ranges, steps, lists and names expand to the selected values."""
    s = parse_cron("*/20 6-8,22 1,15 JAN-MAR/2 MON-FRI")
    assert s.minutes == {0, 20, 40}
    assert s.hours == {6, 7, 8, 22}
    assert s.days == {1, 15}
    assert s.months == {1, 3}
    assert s.weekdays == {1, 2, 3, 4, 5}
    assert s.day_restricted and s.weekday_restricted


def test_sunday_seven_is_zero_and_aliases_expand() -> None:
    """Day-of-week 7 folds into 0; @weekly is Sunday midnight."""
    assert parse_cron("0 0 * * 7").weekdays == {0}
    weekly = parse_cron("@weekly")
    assert weekly.minutes == weekly.hours == weekly.weekdays == frozenset({0})
    assert not weekly.day_restricted


def test_step_from_a_start_value_runs_to_the_end() -> None:
    """``5/15`` means 5, 20, 35, 50."""
    assert parse_cron("5/15 * * * *").minutes == {5, 20, 35, 50}
