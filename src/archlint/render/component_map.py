"""The component map as plain text for the terminal and as versioned JSON."""

from __future__ import annotations

import json
from typing import Any

from archlint.component_map import ComponentInfo, ComponentMap

VERSION = 1


def render_text(components: ComponentMap) -> str:
    lines: list[str] = []
    for info in components.components:
        lines.extend(_component(info))
        lines.append("")
    extractable = [info.name for info in components.components if info.extractable]
    lines.append(
        f"{_count(len(components.components), 'component')}, {len(extractable)} extractable"
        + (f" ({', '.join(extractable)})" if extractable else "")
        + f" | {_count(components.unowned, 'module')} in no component"
    )
    return "".join(line + "\n" for line in lines)


def _component(info: ComponentInfo) -> list[str]:
    owns = ", ".join(info.modules)
    utility = ", utility" if info.utility else ""
    declared = list(info.declared) + [f"{name} (deprecated)" for name in info.deprecated]
    if info.extractable:
        verdict = "yes"
    else:
        reasons = []
        if info.private_imported:
            reasons.append(f"others import its private modules {', '.join(info.private_imported)}")
        if info.in_cycle:
            reasons.append("it is in a component cycle")
        verdict = "no: " + "; ".join(reasons)
    return [
        f"{info.name} ({owns}: {_count(info.module_count, 'module')}{utility})",
        f"  public:           {', '.join([*info.modules, *info.public])}",
        f"  declared deps:    {_names(declared)}",
        f"  actual deps:      {_names(info.actual)}",
        f"  used by:          {_names(info.dependents)}",
        f"  imported modules: {_names(info.imported_modules)}",
        f"  extractable:      {verdict}",
    ]


def _names(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(names) if names else "-"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def render_json(components: ComponentMap) -> str:
    data = {
        "version": VERSION,
        "components": [_info(info) for info in components.components],
        "unowned_modules": components.unowned,
    }
    return json.dumps(data, indent=2) + "\n"


def _info(info: ComponentInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "modules": list(info.modules),
        "public": list(info.public),
        "utility": info.utility,
        "module_count": info.module_count,
        "declared_dependencies": list(info.declared),
        "deprecated_dependencies": list(info.deprecated),
        "actual_dependencies": list(info.actual),
        "dependents": list(info.dependents),
        "imported_modules": list(info.imported_modules),
        "private_modules_imported": list(info.private_imported),
        "in_cycle": info.in_cycle,
        "extractable": info.extractable,
    }
