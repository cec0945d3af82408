"""Dead letters: what could not be delivered, with the error, attempts and correlation id."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from mfgint_runtime.broker import Broker
from mfgint_runtime.files import FileTransfer, join


@dataclass(frozen=True)
class DeadLetter:
    """One undeliverable message and why."""

    flow: str
    key: str
    target: str
    payload: Mapping[str, Any]
    error: str
    error_type: str
    attempts: int
    correlation_id: str | None
    first_failure: str

    def to_json(self) -> bytes:
        """Sorted JSON, as stored or published."""
        return json.dumps(asdict(self), sort_keys=True, default=str).encode()


class DeadLetterSink(Protocol):
    """Where dead letters go; ``depth`` is the number waiting, when the sink can tell."""

    def send(self, letter: DeadLetter) -> None:
        """Store or publish one dead letter."""
        ...

    def depth(self) -> int | None:
        """Dead letters waiting for replay, or None when unknown."""
        ...


class MemoryDeadLetters:
    """Keeps dead letters in a list (tests)."""

    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    def send(self, letter: DeadLetter) -> None:
        """Append."""
        self.letters.append(letter)

    def depth(self) -> int | None:
        """Letters kept."""
        return len(self.letters)


class BrokerDeadLetters:
    """Publishes the original payload to a dead-letter topic with error headers."""

    def __init__(self, broker: Broker, topic: str) -> None:
        self.broker = broker
        self.topic = topic
        self.sent = 0

    def send(self, letter: DeadLetter) -> None:
        """Publish, keyed by the message key, with error class, attempts and first failure."""
        headers = {
            "mfgint-error-type": letter.error_type,
            "mfgint-error": letter.error[:500],
            "mfgint-attempts": str(letter.attempts),
            "mfgint-first-failure": letter.first_failure,
            "mfgint-target": letter.target,
        }
        if letter.correlation_id:
            headers["mfgint-correlation-id"] = letter.correlation_id
        value = json.dumps(letter.payload, sort_keys=True, default=str).encode()
        self.broker.publish(self.topic, value, key=letter.key, headers=headers)
        self.sent += 1

    def depth(self) -> int | None:
        """Unknown to the producer: measure the topic's lag instead (see docs)."""
        return None


class FileDeadLetters:
    """Writes one JSON file per dead letter into a folder."""

    def __init__(self, files: FileTransfer, directory: str) -> None:
        self.files = files
        self.directory = directory

    def send(self, letter: DeadLetter) -> None:
        """Write ``<key>.<correlation id>.json``."""
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", letter.key) or "message"
        name = f"{stem}.{letter.correlation_id or 'none'}.json"
        self.files.write(join(self.directory, name), letter.to_json())

    def depth(self) -> int | None:
        """Files waiting in the folder."""
        return len(self.files.list(self.directory))


class LogDeadLetters:
    """No dead-letter destination in the spec: log the letter at ERROR level."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self.count = 0

    def send(self, letter: DeadLetter) -> None:
        """Log with the whole letter as structured fields."""
        self.count += 1
        self.logger.error(
            "dead letter (no destination configured)",
            extra={"dead_letter": json.loads(letter.to_json())},
        )

    def depth(self) -> int | None:
        """Unknown: logged letters cannot be replayed from here (count them with the metrics)."""
        return None
