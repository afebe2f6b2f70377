"""Find the Markdown spec of a rule code: shipped in the wheel, or in the repository's rules/."""

from __future__ import annotations

from pathlib import Path


def spec_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "rule_specs", here.parent.parent / "rules"]


def find_spec(code: str) -> Path | None:
    for directory in spec_dirs():
        if directory.is_dir():
            for path in sorted(directory.glob(f"{code.upper()}-*.md")):
                return path
    return None
