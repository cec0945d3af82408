"""Structured JSON logs carrying a correlation id that follows one message through the flow."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

_CORRELATION: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "mfgint_correlation_id", default=None
)
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({})))


def new_correlation_id() -> str:
    """A fresh random correlation id."""
    return uuid.uuid4().hex


def current_correlation_id() -> str | None:
    """The correlation id of the message being processed, if any."""
    return _CORRELATION.get()


@contextmanager
def correlation_scope(correlation_id: str | None = None) -> Iterator[str]:
    """Make ``correlation_id`` (or a new one) current for the block."""
    cid = correlation_id or new_correlation_id()
    token = _CORRELATION.set(cid)
    try:
        yield cid
    finally:
        _CORRELATION.reset(token)


class CorrelationFilter(logging.Filter):
    """Stamps every record with the current correlation id and the flow name."""

    def __init__(self, flow: str) -> None:
        super().__init__()
        self.flow = flow

    def filter(self, record: logging.LogRecord) -> bool:
        """Add ``correlation_id`` and ``flow`` to the record; never drops it."""
        if getattr(record, "correlation_id", None) is None:
            record.correlation_id = current_correlation_id()
        if getattr(record, "flow", None) is None:
            record.flow = self.flow
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, correlation id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as sorted-key JSON."""
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None)
            or current_correlation_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in data and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, sort_keys=True, default=str)


def flow_logger(flow: str) -> logging.Logger:
    """The logger of one flow, stamping records with the flow and correlation id."""
    logger = logging.getLogger(f"mfgint.flow.{flow}")
    if not any(isinstance(f, CorrelationFilter) for f in logger.filters):
        logger.addFilter(CorrelationFilter(flow))
    return logger


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send mfgint logs as JSON lines to ``stream`` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("mfgint")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def log(logger: logging.Logger, level: int, message: str, fields: Mapping[str, Any]) -> None:
    """Log ``message`` with structured ``fields`` as extra attributes."""
    logger.log(level, message, extra=dict(fields))
