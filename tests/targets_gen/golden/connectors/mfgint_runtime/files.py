"""File transfer behind an interface: SFTP mailboxes, shared folders.

The runtime has no SFTP dependency. The generated base asks ``open_files(system)`` for a
FileTransfer; implement it in connector.py with the SFTP library your platform uses
(paramiko, asyncssh) or return LocalFileTransfer for a mounted share.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Protocol

from mfgint_runtime.errors import NotFoundError, TransientError


class FileTransfer(Protocol):
    """The operations a file-based flow needs; paths are posix paths relative to a root."""

    def list(self, directory: str) -> list[str]:
        """File names in ``directory`` (not paths), sorted."""
        ...

    def read(self, path: str) -> bytes:
        """The content of ``path``."""
        ...

    def write(self, path: str, data: bytes) -> None:
        """Create or replace ``path`` (atomically where the server allows it)."""
        ...

    def move(self, source: str, destination: str) -> None:
        """Rename ``source`` to ``destination``."""
        ...

    def exists(self, path: str) -> bool:
        """True when ``path`` exists."""
        ...


def join(directory: str, name: str) -> str:
    """Posix join."""
    return str(PurePosixPath(directory) / name)


class MemoryFileTransfer:
    """An in-memory FileTransfer for tests; ``fail_next(n)`` makes the next n writes fail."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.failures = 0

    def fail_next(self, times: int) -> None:
        """Make the next ``times`` writes raise TransientError."""
        self.failures += times

    def list(self, directory: str) -> list[str]:
        """Names directly under ``directory``."""
        prefix = directory.rstrip("/") + "/"
        names = (p[len(prefix) :] for p in self.files if p.startswith(prefix))
        return sorted(name for name in names if "/" not in name)

    def read(self, path: str) -> bytes:
        """The stored bytes."""
        try:
            return self.files[path]
        except KeyError:
            raise NotFoundError(path) from None

    def write(self, path: str, data: bytes) -> None:
        """Store bytes (or fail, when asked to)."""
        if self.failures:
            self.failures -= 1
            raise TransientError(f"{path}: injected write failure")
        self.files[path] = data

    def move(self, source: str, destination: str) -> None:
        """Rename."""
        self.files[destination] = self.read(source)
        del self.files[source]

    def exists(self, path: str) -> bool:
        """True when stored."""
        return path in self.files


class LocalFileTransfer:
    """A FileTransfer on a local or mounted folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def list(self, directory: str) -> list[str]:
        """Regular files directly under ``directory``."""
        folder = self._path(directory)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_file())

    def read(self, path: str) -> bytes:
        """The file's bytes."""
        try:
            return self._path(path).read_bytes()
        except FileNotFoundError:
            raise NotFoundError(path) from None

    def write(self, path: str, data: bytes) -> None:
        """Write through a temporary file and rename, so readers never see half a file."""
        target = self._path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(target)

    def move(self, source: str, destination: str) -> None:
        """Rename within the root."""
        target = self._path(destination)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._path(source).replace(target)

    def exists(self, path: str) -> bool:
        """True when the file exists."""
        return self._path(path).exists()
