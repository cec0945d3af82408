"""Safe file names and identifiers derived from resource names, whatever those names hold."""

from __future__ import annotations

import functools
import hashlib
import re

_WORD_RX = re.compile(r"[A-Za-z0-9]+")
_UNSAFE_FILE_RX = re.compile(r"[^a-z0-9._-]+")
MAX_SEGMENT = 100


def words(text: str) -> list[str]:
    """The alphanumeric runs of ``text``: ``work-order@2`` -> ["work", "order", "2"]."""
    return _WORD_RX.findall(text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


@functools.lru_cache(maxsize=65536)
def safe_segment(name: str) -> str:
    """One path segment made from a resource name: lowercase ``[a-z0-9._-]``, never ``.``/``..``.

    Names that had to change get a short hash suffix, so two different hostile names never
    collapse onto the same file.
    """
    lowered = name.lower()
    cleaned = _UNSAFE_FILE_RX.sub("-", lowered).strip("-.")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    changed = cleaned != name
    if not cleaned:
        cleaned = "unnamed"
    if len(cleaned) > MAX_SEGMENT:
        cleaned = cleaned[:MAX_SEGMENT].rstrip("-.")
        changed = True
    if changed:
        cleaned = f"{cleaned}-{_digest(name)}"
    return cleaned


def file_name(name: str, suffix: str) -> str:
    """``safe_segment(name)`` plus a fixed suffix such as ``.yaml``."""
    return f"{safe_segment(name)}{suffix}"


@functools.lru_cache(maxsize=65536)
def pascal(text: str) -> str:
    """``work-order`` -> ``WorkOrder`` (an identifier; prefixed when it starts with a digit)."""
    out = "".join(w[:1].upper() + w[1:] for w in words(text))
    if not out:
        return "X"
    return out if not out[0].isdigit() else f"X{out}"


def camel(text: str) -> str:
    """``shipment-to-3pl post`` -> ``shipmentTo3plPost``."""
    p = pascal(text)
    return p[:1].lower() + p[1:]


@functools.lru_cache(maxsize=65536)
def snake(text: str) -> str:
    """``work-order`` -> ``work_order`` (a valid Python identifier)."""
    out = "_".join(w.lower() for w in words(text))
    if not out:
        return "x"
    return out if not out[0].isdigit() else f"x_{out}"


def upper_snake(text: str) -> str:
    """``mes-lyon-to-odoo`` -> ``MES_LYON_TO_ODOO``."""
    return snake(text).upper()


def kebab(text: str) -> str:
    """``Work Order`` -> ``work-order``."""
    return "-".join(w.lower() for w in words(text)) or "x"


def plural(word: str) -> str:
    """English plural of the last word of a kebab name: ``work-order`` -> ``work-orders``."""
    if not word:
        return word
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"
