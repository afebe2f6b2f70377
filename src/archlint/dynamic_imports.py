"""The part of recognising a dynamic import that does not depend on the syntax tree: shared by
the fast scanner (``ast_scan``) and the reference scanner (``libcst_scan``)."""

from __future__ import annotations


def split_relative(value: str) -> tuple[str, int]:
    """``"..a.b"`` -> ``("a.b", 2)``: the module and its relative level."""
    module = value.lstrip(".")
    return module, len(value) - len(module)


def dynamic_target(module: str, level: int) -> tuple[str, int] | None:
    """(module, level) if it names a module that an import statement could also name."""
    if module and not all(part.isidentifier() for part in module.split(".")):
        return None
    return (module, level) if module or level else None
