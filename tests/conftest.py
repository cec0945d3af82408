"""Shared pytest options and fixtures."""

from __future__ import annotations

import os
import tempfile

import pytest

# Tests never write the user's cache: each session gets its own folder.
os.environ.setdefault("MFGINT_CACHE_DIR", tempfile.mkdtemp(prefix="mfgint-test-cache-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-golden``: rewrite golden files instead of comparing against them."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to regenerate golden files."""
    return bool(request.config.getoption("--update-golden"))
