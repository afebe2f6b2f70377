"""``archlint metrics`` as a table, JSON or CSV. Numbers are rounded here and only here."""

from __future__ import annotations

import csv
import io
import json

from archlint.metrics import Metrics, UnitMetrics

COLUMNS = (
    "unit",
    "modules",
    "lines",
    "fan-in",
    "fan-out",
    "instability",
    "classes",
    "abstractness",
    "distance",
    "cycle",
)


def render_table(metrics: Metrics) -> str:
    rows = [list(COLUMNS)] + [_cells(unit) for unit in metrics.units]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for row in rows:
        first, *numbers = row
        cells = [first.ljust(widths[0])] + [
            n.rjust(w) for n, w in zip(numbers, widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    s = metrics.system
    depth = f" (depth {metrics.depth})" if metrics.depth is not None else ""
    lines += [
        "",
        f"{s.units} {metrics.level} units{depth}, {s.modules} modules, {s.imports} imports, "
        f"{s.dependencies} dependencies between units (kinds: {', '.join(metrics.kinds)})",
        f"cyclic groups: {s.cyclic_groups}, largest: {s.largest_cycle} units",
        f"propagation cost: {_percent(s.propagation_cost)}, depth: {s.depth}",
    ]
    return "\n".join(lines) + "\n"


def render_json(metrics: Metrics) -> str:
    s = metrics.system
    data = {
        "version": 1,
        "level": metrics.level,
        "depth": metrics.depth,
        "kinds": list(metrics.kinds),
        "units": [
            {
                "name": u.name,
                "modules": u.modules,
                "lines": u.lines,
                "fan_in": u.fan_in,
                "fan_out": u.fan_out,
                "instability": _round(u.instability),
                "classes": u.classes,
                "abstract_classes": u.abstract_classes,
                "abstractness": _round(u.abstractness),
                "distance": _round(u.distance),
                "cycle": u.cycle or None,
                "cycle_size": u.cycle_size,
            }
            for u in metrics.units
        ],
        "system": {
            "units": s.units,
            "modules": s.modules,
            "imports": s.imports,
            "dependencies": s.dependencies,
            "cyclic_groups": s.cyclic_groups,
            "largest_cycle": s.largest_cycle,
            "propagation_cost": round(s.propagation_cost, 4),
            "depth": s.depth,
        },
    }
    return json.dumps(data, indent=2) + "\n"


def render_csv(metrics: Metrics) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COLUMNS, "cycle_size"])
    for unit in metrics.units:
        writer.writerow([*_cells(unit, blank=""), unit.cycle_size])
    return buffer.getvalue()


def _cells(unit: UnitMetrics, blank: str = "-") -> list[str]:
    def number(value: float | None) -> str:
        return blank if value is None else f"{value:.2f}"

    return [
        unit.name,
        str(unit.modules),
        str(unit.lines),
        str(unit.fan_in),
        str(unit.fan_out),
        number(unit.instability),
        str(unit.classes),
        number(unit.abstractness),
        number(unit.distance),
        str(unit.cycle) if unit.cycle else blank,
    ]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"
