"""Message broker behind a small interface (publish / poll / commit) and an in-memory fake.

The runtime has no Kafka, AMQP or MQTT dependency: implement ``open_broker()`` in
connector.py with your client library (confluent-kafka, pika, paho-mqtt).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from mfgint_runtime.errors import TransientError


@dataclass(frozen=True)
class Message:
    """One message read from a topic."""

    topic: str
    value: bytes
    key: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    offset: int = 0


class Broker(Protocol):
    """Publish and consume with explicit commits (commit after processing = at-least-once)."""

    def publish(
        self,
        topic: str,
        value: bytes,
        *,
        key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Send one message."""
        ...

    def poll(self, topic: str, group: str, max_messages: int) -> list[Message]:
        """Up to ``max_messages`` messages after the group's committed offset."""
        ...

    def commit(self, message: Message, group: str) -> None:
        """Mark ``message`` (and those before it) as processed for ``group``."""
        ...


class MemoryBroker:
    """An in-memory Broker for tests; ``fail_next(n)`` makes the next n publishes fail."""

    def __init__(self) -> None:
        self.topics: dict[str, list[Message]] = {}
        self.offsets: dict[tuple[str, str], int] = {}
        self.failures = 0

    def fail_next(self, times: int) -> None:
        """Make the next ``times`` publishes raise TransientError."""
        self.failures += times

    def publish(
        self,
        topic: str,
        value: bytes,
        *,
        key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Append to the topic (or fail, when asked to)."""
        if self.failures:
            self.failures -= 1
            raise TransientError(f"{topic}: injected publish failure")
        log = self.topics.setdefault(topic, [])
        log.append(Message(topic, value, key, dict(headers or {}), len(log)))

    def poll(self, topic: str, group: str, max_messages: int) -> list[Message]:
        """Messages after the committed offset."""
        start = self.offsets.get((topic, group), 0)
        return self.topics.get(topic, [])[start : start + max_messages]

    def commit(self, message: Message, group: str) -> None:
        """Advance the group's offset past ``message``."""
        self.offsets[(message.topic, group)] = message.offset + 1
