"""Module patterns: ``shop.*.api`` (``*`` is one segment) and ``shop.**`` (``**`` is any depth).

A pattern names modules; a contract treats each named module together with its descendants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_SEGMENT = r"[^.]+"


def is_pattern(text: str) -> bool:
    return "*" in text


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """``a.*.c`` -> one segment; ``a.**`` -> ``a`` and everything below it; ``a.**.c`` -> any depth.

    The regex matches the module name with a leading dot, so that every segment, ``**``
    included, owns the separator in front of it.
    """
    regex = ""
    for part in pattern.split("."):
        if part == "**":
            regex += rf"(?:\.{_SEGMENT})*"
        else:
            regex += r"\." + re.escape(part).replace(r"\*", _SEGMENT)
    return re.compile(regex + r"\Z")


def matches(pattern: str, module: str) -> bool:
    return compile_pattern(pattern).match("." + module) is not None


def expand(pattern: str, modules: Iterable[str]) -> list[str]:
    """The modules a name or pattern stands for, sorted. A plain name stands for itself."""
    if not is_pattern(pattern):
        return [pattern] if pattern in set(modules) else []
    regex = compile_pattern(pattern)
    return sorted(m for m in modules if regex.match("." + m))


def is_within(module: str, ancestor: str) -> bool:
    """``module`` is ``ancestor`` or one of its descendants."""
    return module == ancestor or module.startswith(ancestor + ".")


def valid_pattern(text: str) -> bool:
    """Dotted segments that are identifiers-ish (digits allowed: migrations), ``*`` or ``**``."""
    if not text:
        return False
    for part in text.split("."):
        if part in ("*", "**"):
            continue
        if not part or not re.fullmatch(r"[\w*]+", part):
            return False
    return True
