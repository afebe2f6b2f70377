"""Which import names an installed distribution provides, read from installed metadata.

Used only to catch a distribution name written where an import name belongs
(``forbidden = ["pyyaml"]`` when the code says ``import yaml``). Reads metadata files, never code.
"""

from __future__ import annotations

import re
from functools import lru_cache


def normalise(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


@lru_cache(maxsize=1)
def _by_distribution() -> dict[str, tuple[str, ...]]:
    from importlib.metadata import packages_distributions

    found: dict[str, set[str]] = {}
    for module, distributions in packages_distributions().items():
        for distribution in distributions:
            if not module.startswith("_"):
                found.setdefault(normalise(distribution), set()).add(module)
    return {name: tuple(sorted(modules)) for name, modules in found.items()}


def import_names(distribution: str) -> tuple[str, ...]:
    """Top-level import names of an installed distribution; () when it is not installed."""
    return _by_distribution().get(normalise(distribution), ())


@lru_cache(maxsize=1)
def _by_import_name() -> dict[str, tuple[str, ...]]:
    from importlib.metadata import packages_distributions

    return {
        module: tuple(sorted(set(distributions)))
        for module, distributions in packages_distributions().items()
    }


def distributions_of(import_name: str) -> tuple[str, ...]:
    """Installed distributions that provide the top-level ``import_name``; () when none."""
    return _by_import_name().get(import_name, ())
