"""``python -m archlint``."""

from archlint.cli import run

run()
