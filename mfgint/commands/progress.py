"""A progress bar on stderr for long runs: only on a terminal, never in CI or when piped."""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # rich is imported when the bar is first shown: most runs are not on a terminal.
    from rich.progress import Progress, TaskID

SHOW_AFTER_SECONDS = 1.0


def progress_wanted() -> bool:
    """True on an interactive terminal outside CI, unless MFGINT_NO_PROGRESS is set."""
    if os.environ.get("CI") or os.environ.get("MFGINT_NO_PROGRESS"):
        return False
    return sys.stderr.isatty()


def _new_bar() -> Progress:
    """A transient bar on stderr: file count, elapsed time."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


class FileProgress:
    """Counts files as they are read; shows a transient bar once a run passes one second."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = progress_wanted() if enabled is None else enabled
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID  # set when the bar is shown

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Record progress of a stage (``done`` of ``total`` items)."""
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < SHOW_AFTER_SECONDS:
                return
            self.bar = _new_bar()
            self.bar.start()
            self.task = self.bar.add_task(stage, total=total)
        self.bar.update(self.task, description=stage, completed=done, total=total)

    def __enter__(self) -> FileProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()
