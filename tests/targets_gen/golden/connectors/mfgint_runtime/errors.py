"""Errors that decide what the retry loop does: retry, read back first, or dead-letter."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base class of every error the runtime raises on purpose."""


class ConfigError(ConnectorError):
    """Missing or invalid configuration (an environment variable, an adapter to provide)."""


class TransientError(ConnectorError):
    """A failure that may pass: connection refused, HTTP 429 or 5xx. Retried."""


class UnknownOutcomeError(TransientError):
    """The request may or may not have been applied (a timeout): read back before retrying."""


class PermanentError(ConnectorError):
    """A failure that retrying will not fix (HTTP 4xx, Odoo validation error): dead-lettered."""


class NotFoundError(PermanentError):
    """The record or resource does not exist."""


class ConflictError(PermanentError):
    """The resource already exists (HTTP 409): a create that an earlier attempt applied."""


class RetriesExhaustedError(ConnectorError):
    """Every attempt failed with a transient error."""

    def __init__(self, attempts: int, last_error: Exception) -> None:
        super().__init__(f"gave up after {attempts} attempts: {last_error}")
        self.attempts = attempts
        self.last_error = last_error
