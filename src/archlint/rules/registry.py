"""The one table of violation codes. `rules/<CODE>-<name>.md` documents and tests each code."""

from __future__ import annotations

from typing import NamedTuple

from archlint.model import Severity


class Rule(NamedTuple):
    code: str
    name: str
    contract: str
    summary: str
    severity: Severity = Severity.ERROR  # a WARNING code is reported but does not fail the run


RULES: tuple[Rule, ...] = (
    Rule(
        "ARC001",
        "unreadable-file",
        "-",
        "A file could not be read or parsed; it was skipped and the run fails.",
    ),
    Rule(
        "ARC002",
        "relative-import-beyond-top-level",
        "-",
        "A relative import climbs above the top-level package.",
    ),
    Rule("ARC003", "unresolved-import", "-", "An import names no module of the project (warning)."),
    Rule(
        "ARC004",
        "unmatched-ignore",
        "-",
        'An ignore pattern matches no import (warning with unmatched-ignores = "warn").',
    ),
    Rule(
        "ARC005",
        "shadowed-module",
        "-",
        "A module file has a package of the same name, which Python imports instead (warning).",
    ),
    Rule(
        "ARC101",
        "upward-layer-import",
        "layers",
        "A lower layer imports a higher one, directly or through a chain.",
    ),
    Rule(
        "ARC102",
        "sibling-layer-import",
        "layers",
        "Independent siblings on one layer level import each other.",
    ),
    Rule(
        "ARC103",
        "module-outside-layers",
        "layers",
        "An exhaustive layers contract finds a child of a container in no layer.",
    ),
    Rule(
        "ARC201",
        "forbidden-import",
        "forbidden",
        "A source module imports a forbidden module, directly or through a chain.",
    ),
    Rule(
        "ARC301",
        "independence-import",
        "independence",
        "Modules declared independent import each other, directly or through a chain.",
    ),
    Rule("ARC401", "import-cycle", "cycles", "Children of a package import each other in a cycle."),
    Rule(
        "ARC501",
        "private-module-import",
        "components",
        "A component imports a module of another component that is not in its public interface.",
    ),
    Rule(
        "ARC502",
        "undeclared-component-dependency",
        "components",
        "A component imports another component that is not in its depends-on.",
    ),
    Rule(
        "ARC503",
        "visibility-violation",
        "components",
        "A component imports a component whose visibility does not include it.",
    ),
    Rule("ARC504", "component-cycle", "components", "Components import each other in a cycle."),
    Rule(
        "ARC505",
        "unused-component-dependency",
        "components",
        "A declared component dependency is never imported (with strict = true).",
    ),
    Rule(
        "ARC506",
        "deprecated-component-dependency",
        "components",
        "A component imports a dependency it declares as deprecated (warning).",
        Severity.WARNING,
    ),
    Rule(
        "ARC601",
        "confined-external-import",
        "external",
        "A module outside allowed-in imports a confined third-party module or sub-package.",
    ),
    Rule(
        "ARC602",
        "undeclared-distribution",
        "dependencies",
        "The code imports a third-party package that no declared dependency provides.",
    ),
    Rule(
        "ARC603",
        "unused-distribution",
        "dependencies",
        "A dependency in [project].dependencies is never imported.",
    ),
    Rule(
        "ARC701",
        "banned-api",
        "banned-api",
        "A module uses a banned qualified name (os.environ, pickle.loads, eval), aliases followed.",
    ),
    Rule(
        "ARC801",
        "metric-threshold",
        "thresholds",
        "A coupling metric (fan-out, fan-in, instability, distance, lines, cycle size, "
        "propagation cost, depth) is above its limit.",
    ),
    Rule(
        "ARC802",
        "unstable-dependency",
        "stable-dependencies",
        "A unit imports a less stable one (Stable Dependencies Principle).",
    ),
)

BY_CODE = {rule.code: rule for rule in RULES}
