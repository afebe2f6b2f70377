"""Thresholds: limits on the coupling metrics of ``archlint metrics`` (docs/metrics.md).

Each breach is one ARC801 violation with the measured value, the limit and what contributes
most: the units imported most (fan-out), the importers (fan-in), the members of the cyclic
group. Per-unit limits apply to the units that contain the contract's ``modules``; module
lines to those modules; propagation cost and depth to the whole system, reported at their
line in pyproject.toml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archlint.contracts import ThresholdsContract, line_of
from archlint.model import Violation, make_violation
from archlint.rules.context import RuleContext

if TYPE_CHECKING:  # metrics load only when a thresholds contract is checked
    from archlint.metrics import Matrix, Metrics, UnitMetrics

CODE = "ARC801"
SHOWN = 5  # contributors named in a message


def check(contract: ThresholdsContract, ctx: RuleContext) -> list[Violation]:
    from archlint.metrics import measure, unit_function

    graph = ctx.graph
    selected = graph.members(ctx.select(contract, "modules", contract.modules))
    metrics = measure(graph, ctx.lines, contract.level, contract.depth, contract.kinds, ctx.classes)
    grouping = unit_function(contract.level, contract.depth)
    units = {grouping(graph.module(name)) for name in selected}
    limits = dict(contract.limits)
    found: list[Violation] = []
    for unit in metrics.units:
        if unit.name in units:
            found += _unit(contract, ctx, metrics, unit, limits)
    limit = limits.get("max-module-lines")
    if limit is not None:
        for name in sorted(selected):
            lines = ctx.lines.get(name, 0)
            if lines > limit:
                message = f"{name} has {lines} lines, above max-module-lines {_show(limit)}"
                found.append(_at_module(contract, ctx, name, "max-module-lines", message))
    system = metrics.system
    for key, value in (
        ("max-propagation-cost", system.propagation_cost),
        ("max-depth", float(system.depth)),
    ):
        limit = limits.get(key)
        if limit is not None and value > limit:
            measured = f"{value:.1%}" if key == "max-propagation-cost" else str(int(value))
            shown = f"{limit:.1%}" if key == "max-propagation-cost" else _show(limit)
            name = key.removeprefix("max-").replace("-", " ")
            message = f"the {metrics.level} graph has {name} {measured}, above {key} {shown}"
            found.append(_at_config(contract, ctx, key, message))
    return found


def _unit(
    contract: ThresholdsContract,
    ctx: RuleContext,
    metrics: Metrics,
    unit: UnitMetrics,
    limits: dict[str, float],
) -> list[Violation]:
    checks = (
        ("max-fan-out", float(unit.fan_out), "fan-out", _most(metrics.matrix, unit.name, True)),
        ("max-fan-in", float(unit.fan_in), "fan-in", _most(metrics.matrix, unit.name, False)),
        ("max-instability", unit.instability, "instability", ""),
        ("max-distance", unit.distance, "distance from the main sequence", ""),
        ("max-cycle-size", float(unit.cycle_size), "a cyclic group of", _group(metrics, unit)),
    )
    found = []
    for key, value, what, detail in checks:
        limit = limits.get(key)
        if limit is None or value is None or value <= limit:
            continue
        measured = _show(value)
        if key == "max-cycle-size":
            measured += " units"
        message = f"{unit.name} has {what} {measured}, above {key} {_show(limit)}{detail}"
        found.append(_at_module(contract, ctx, unit.name, key, message))
    return found


def _most(matrix: Matrix, name: str, outgoing: bool) -> str:
    """``; most imports: a (12), b (3)`` for the units a unit imports (or is imported by)."""
    position = matrix.units.index(name)
    counts = [
        (imports, matrix.units[column if outgoing else row])
        for row, column, imports in matrix.cells
        if (row if outgoing else column) == position
    ]
    counts.sort(key=lambda pair: (-pair[0], pair[1]))
    shown = ", ".join(f"{unit} ({imports})" for imports, unit in counts[:SHOWN])
    more = f" and {len(counts) - SHOWN} more" if len(counts) > SHOWN else ""
    direction = "imports" if outgoing else "importers"
    return f"; most {direction}: {shown}{more}" if counts else ""


def _group(metrics: Metrics, unit: UnitMetrics) -> str:
    members = sorted(u.name for u in metrics.units if u.cycle and u.cycle == unit.cycle)
    return f": {', '.join(members)}" if members else ""


def _show(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}"


def _at_module(
    contract: ThresholdsContract, ctx: RuleContext, unit: str, key: str, message: str
) -> Violation:
    """A violation located at the unit's own file (its ``__init__.py`` for a package); the
    metric key tells two breaches of one unit apart (and enters the fingerprint)."""
    path = ""
    if unit in ctx.graph:
        path = ctx.graph.module(unit).path or ""
    violation = make_violation(CODE, message, contract.name, (), importer=unit, imported=key)
    return _located(violation, path or ctx.config_path, 1)


def _at_config(contract: ThresholdsContract, ctx: RuleContext, key: str, message: str) -> Violation:
    violation = make_violation(CODE, message, contract.name, (), importer="", imported=key)
    return _located(violation, ctx.config_path, line_of(contract, key))


def _located(violation: Violation, path: str, line: int) -> Violation:
    return violation.replace(path=path, line=line, column=1)
