"""Configuration from environment variables: one flow-level name, then one system-level name.

``MFGINT_<FLOW>_<SYSTEM>_<KEY>`` (this flow only) wins over ``MFGINT_<SYSTEM>_<KEY>`` (every flow
that talks to the system). Secrets are only ever read from the environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mfgint_runtime.errors import ConfigError
from mfgint_runtime.retry import RetryPolicy

ODOO_PROTOCOLS = ("json-2", "json-rpc", "xml-rpc")


def env_key(name: str) -> str:
    """``odoo-erp`` -> ``ODOO_ERP``."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def system_prefixes(flow_prefix: str, system: str) -> tuple[str, str]:
    """The two prefixes under which a system's settings are looked up, most specific first."""
    key = env_key(system)
    return (f"{flow_prefix}_{key}", f"MFGINT_{key}")


class Env:
    """Reads settings under a list of prefixes; empty values count as unset."""

    def __init__(self, environ: Mapping[str, str], prefixes: Sequence[str]) -> None:
        self.environ = environ
        self.prefixes = tuple(prefixes)

    def names(self, key: str) -> list[str]:
        """Every variable name tried for ``key``, in order."""
        return [f"{prefix}_{key}" for prefix in self.prefixes]

    def get(self, key: str, default: str | None = None) -> str | None:
        """The first non-empty value among the names of ``key``, else ``default``."""
        for name in self.names(key):
            value = self.environ.get(name, "").strip()
            if value:
                return value
        return default

    def require(self, key: str, default: str | None = None) -> str:
        """Like get, but a missing value is a ConfigError naming the variables."""
        value = self.get(key, default)
        if value is None:
            raise ConfigError(f"set {' or '.join(self.names(key))}")
        return value

    def number(self, key: str, default: float) -> float:
        """A non-negative number (seconds, for durations)."""
        text = self.get(key)
        if text is None:
            return default
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(f"{self.names(key)[0]} must be a number, not {text!r}") from None
        if value < 0:
            raise ConfigError(f"{self.names(key)[0]} must not be negative")
        return value

    def integer(self, key: str, default: int) -> int:
        """A positive integer."""
        text = self.get(key)
        if text is None:
            return default
        try:
            value = int(text)
        except ValueError:
            raise ConfigError(f"{self.names(key)[0]} must be an integer, not {text!r}") from None
        if value < 1:
            raise ConfigError(f"{self.names(key)[0]} must be at least 1")
        return value


@dataclass(frozen=True)
class FlowSettings:
    """Flow-wide settings: retry policy, state folder, page size, HTTP timeout, log level."""

    retry: RetryPolicy
    state_dir: str = ".mfgint-state"
    batch_size: int = 200
    timeout: float = 30.0
    log_level: str = "INFO"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], flow_prefix: str, retry: RetryPolicy
    ) -> FlowSettings:
        """Read ``<FLOW>_RETRY_*``, ``STATE_DIR``, ``BATCH_SIZE``, ``TIMEOUT``, ``LOG_LEVEL``."""
        env = Env(environ, [flow_prefix])
        try:
            policy = RetryPolicy(
                max_attempts=env.integer("RETRY_MAX_ATTEMPTS", retry.max_attempts),
                backoff=env.get("RETRY_BACKOFF", retry.backoff) or retry.backoff,
                initial_delay=env.number("RETRY_INITIAL_DELAY", retry.initial_delay),
                max_delay=env.number("RETRY_MAX_DELAY", retry.max_delay),
            )
        except ValueError as exc:
            raise ConfigError(f"{flow_prefix}_RETRY_*: {exc}") from None
        return cls(
            retry=policy,
            state_dir=env.get("STATE_DIR", ".mfgint-state") or ".mfgint-state",
            batch_size=env.integer("BATCH_SIZE", 200),
            timeout=env.number("TIMEOUT", 30.0),
            log_level=env.get("LOG_LEVEL", "INFO") or "INFO",
        )


@dataclass(frozen=True)
class OdooSettings:
    """Where and how to reach one Odoo database (a dedicated bot user per integration)."""

    system: str
    url: str
    database: str | None
    protocol: str
    api_key: str
    login: str | None = None

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        flow_prefix: str,
        system: str,
        *,
        protocol: str,
        url: str | None = None,
        database: str | None = None,
    ) -> OdooSettings:
        """Read ``URL``, ``DATABASE``, ``PROTOCOL``, ``API_KEY`` and (RPC only) ``LOGIN``."""
        env = Env(environ, system_prefixes(flow_prefix, system))
        chosen = env.get("PROTOCOL", protocol) or protocol
        if chosen not in ODOO_PROTOCOLS:
            raise ConfigError(
                f"{env.names('PROTOCOL')[0]} must be one of {', '.join(ODOO_PROTOCOLS)}"
            )
        base_url = env.require("URL", url).rstrip("/")
        api_key = env.require("API_KEY")
        login = env.get("LOGIN")
        if chosen != "json-2" and login is None:
            raise ConfigError(f"set {' or '.join(env.names('LOGIN'))} (the bot user's login)")
        return cls(
            system=system,
            url=base_url,
            database=env.get("DATABASE", database),
            protocol=chosen,
            api_key=api_key,
            login=login,
        )


@dataclass(frozen=True)
class RestSettings:
    """Base URL and optional bearer token of a REST API."""

    system: str
    url: str
    token: str | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], flow_prefix: str, system: str, *, url: str | None = None
    ) -> RestSettings:
        """Read ``URL`` and ``TOKEN``."""
        env = Env(environ, system_prefixes(flow_prefix, system))
        return cls(system=system, url=env.require("URL", url).rstrip("/"), token=env.get("TOKEN"))


@dataclass(frozen=True)
class FileSettings:
    """An SFTP (or shared folder) mailbox: its URL and folders."""

    system: str
    url: str | None
    inbox: str = "inbox"
    outbox: str = "outbox"
    processed: str = "processed"
    error: str = "error"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], flow_prefix: str, system: str, *, url: str | None = None
    ) -> FileSettings:
        """Read ``URL``, ``INBOX``, ``OUTBOX``, ``PROCESSED`` and ``ERROR``."""
        env = Env(environ, system_prefixes(flow_prefix, system))
        return cls(
            system=system,
            url=env.get("URL", url),
            inbox=env.get("INBOX", "inbox") or "inbox",
            outbox=env.get("OUTBOX", "outbox") or "outbox",
            processed=env.get("PROCESSED", "processed") or "processed",
            error=env.get("ERROR", "error") or "error",
        )


@dataclass(frozen=True)
class BrokerSettings:
    """A broker connection and the topic / consumer group of this flow."""

    system: str
    url: str | None
    topic: str
    group: str

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        flow_prefix: str,
        system: str,
        *,
        topic: str,
        group: str,
        url: str | None = None,
    ) -> BrokerSettings:
        """Read ``URL``, ``TOPIC`` and ``GROUP``."""
        env = Env(environ, system_prefixes(flow_prefix, system))
        return cls(
            system=system,
            url=env.get("URL", url),
            topic=env.get("TOPIC", topic) or topic,
            group=env.get("GROUP", group) or group,
        )


@dataclass(frozen=True)
class DeadLetterSettings:
    """Where messages go after the last attempt: a broker topic, a folder, or the log."""

    kind: str
    destination: str | None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str], flow_prefix: str, *, kind: str, destination: str | None
    ) -> DeadLetterSettings:
        """Read ``DEAD_LETTER`` (the topic or folder)."""
        env = Env(environ, [flow_prefix])
        return cls(kind=kind, destination=env.get("DEAD_LETTER", destination))
