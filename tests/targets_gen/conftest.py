"""Fixtures for the connectors, alerts and runbooks target tests."""

from __future__ import annotations

import pytest

# The golden trees hold generated connector packages with their own tests: never collect them
# here (test_generated_connectors.py runs generated tests in a temporary folder instead).
collect_ignore_glob = ["golden/*"]


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``slow`` marker (runs ruff, mypy and pytest on generated code)."""
    config.addinivalue_line(
        "markers", "slow: lints, type-checks and tests generated code (module-scoped, once)"
    )
