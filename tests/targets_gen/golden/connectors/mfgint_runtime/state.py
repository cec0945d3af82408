"""Watermarks for incremental pulls: the last ``write_date`` (and id) seen, per flow."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Watermark:
    """Position of the last record processed: a timestamp text and an id tie-breaker."""

    value: str
    last_id: int = 0


class WatermarkStore(Protocol):
    """Loads and saves a flow's watermark."""

    def load(self, flow: str) -> Watermark | None:
        """The saved watermark, or None before the first run."""
        ...

    def save(self, flow: str, watermark: Watermark) -> None:
        """Persist the watermark."""
        ...


class MemoryWatermarkStore:
    """Watermarks in a dict (tests)."""

    def __init__(self) -> None:
        self.marks: dict[str, Watermark] = {}

    def load(self, flow: str) -> Watermark | None:
        """Stored value."""
        return self.marks.get(flow)

    def save(self, flow: str, watermark: Watermark) -> None:
        """Store."""
        self.marks[flow] = watermark


class FileWatermarkStore:
    """One small JSON file per flow in a state folder."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _path(self, flow: str) -> Path:
        return self.directory / f"{flow}.watermark.json"

    def load(self, flow: str) -> Watermark | None:
        """Read the file, if any."""
        path = self._path(flow)
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return Watermark(str(data["value"]), int(data.get("last_id", 0)))

    def save(self, flow: str, watermark: Watermark) -> None:
        """Write through a temporary file and rename."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(flow)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=self.directory)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"last_id": watermark.last_id, "value": watermark.value}, handle)
        Path(tmp).replace(path)
