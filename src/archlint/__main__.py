"""``python -m archlint``."""

from archlint.entry import run

run()
