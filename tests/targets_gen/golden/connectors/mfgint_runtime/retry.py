"""Retry with exponential backoff and full jitter; read back before retrying an unknown outcome."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from mfgint_runtime.errors import (
    PermanentError,
    RetriesExhaustedError,
    TransientError,
    UnknownOutcomeError,
)

T = TypeVar("T")
BACKOFFS = ("exponential", "linear", "fixed")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; ``max_attempts`` counts the first attempt."""

    max_attempts: int = 3
    backoff: str = "exponential"
    initial_delay: float = 1.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff not in BACKOFFS:
            raise ValueError(f"backoff must be one of {', '.join(BACKOFFS)}")
        if self.initial_delay < 0 or self.max_delay < 0:
            raise ValueError("delays must not be negative")

    def ceiling(self, retry: int) -> float:
        """Upper bound of the delay before retry number ``retry`` (1 = the first retry)."""
        if self.backoff == "exponential":
            raw = self.initial_delay * 2.0 ** (retry - 1)
        elif self.backoff == "linear":
            raw = self.initial_delay * retry
        else:
            raw = self.initial_delay
        return min(self.max_delay, raw)

    def delay(self, retry: int, rand: Callable[[], float] = random.random) -> float:
        """Delay before retry ``retry``: full jitter (uniform in [0, ceiling]) when exponential."""
        ceiling = self.ceiling(retry)
        return rand() * ceiling if self.backoff == "exponential" else ceiling


def call_with_retry(
    action: Callable[[int], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], object] = time.sleep,
    rand: Callable[[], float] = random.random,
    read_back: Callable[[], T | None] | None = None,
    on_retry: Callable[[int, float, Exception], None] | None = None,
) -> T:
    """Run ``action(attempt)`` until it succeeds, fails permanently or runs out of attempts.

    After an UnknownOutcomeError the previous attempt may have been applied, so ``read_back``
    is asked first; a non-None answer is returned instead of trying again.
    """
    attempt = 1
    while True:
        try:
            return action(attempt)
        except PermanentError:
            raise
        except TransientError as exc:
            if attempt >= policy.max_attempts:
                raise RetriesExhaustedError(attempt, exc) from exc
            wait = policy.delay(attempt, rand)
            if on_retry is not None:
                on_retry(attempt, wait, exc)
            sleep(wait)
            if isinstance(exc, UnknownOutcomeError) and read_back is not None:
                found = read_back()
                if found is not None:
                    return found
            attempt += 1
