"""Run flow parcel-label-request once: python -m parcel_label_request run|reconcile."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mfgint_runtime.cli import run_flow
from parcel_label_request.base import ParcelLabelRequestSettings
from parcel_label_request.connector import ParcelLabelRequestConnector


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Parse the command line, build the connector from the environment and run it."""
    return run_flow(
        "parcel_label_request",
        __doc__,
        ParcelLabelRequestSettings.from_env,
        ParcelLabelRequestConnector,
        argv,
        environ,
    )


if __name__ == "__main__":
    sys.exit(main())
