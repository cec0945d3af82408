"""Entry point for ``python -m mfgint``."""

from mfgint.cli import main

main()
