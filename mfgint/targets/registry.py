"""The target registry: name -> Target class, built from explicit imports (no discovery magic)."""

from __future__ import annotations

from collections.abc import Mapping

from mfgint.targets.alerts import AlertsTarget
from mfgint.targets.asyncapi import AsyncApiTarget
from mfgint.targets.base import Target
from mfgint.targets.connectors import ConnectorsTarget
from mfgint.targets.kong import KongTarget
from mfgint.targets.openapi import OpenApiTarget
from mfgint.targets.runbooks import RunbooksTarget

# --- targets of other modules: add the import above and the class to _CLASSES below ---------
# (connectors, alerts and runbooks register here: one import line and one list entry each)

_CLASSES: tuple[type[Target], ...] = (
    KongTarget,
    OpenApiTarget,
    AsyncApiTarget,
    ConnectorsTarget,
    AlertsTarget,
    RunbooksTarget,
)


def _build(classes: tuple[type[Target], ...]) -> dict[str, type[Target]]:
    table: dict[str, type[Target]] = {}
    for cls in classes:
        if not cls.name or cls.name in table:
            raise ValueError(f"target class {cls.__name__} has an empty or duplicate name")
        table[cls.name] = cls
    return dict(sorted(table.items()))


TARGETS: Mapping[str, type[Target]] = _build(_CLASSES)
