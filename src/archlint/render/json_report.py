"""The report and the graph as JSON: stable keys, sorted, versioned."""

from __future__ import annotations

import json
from typing import Any

from archlint.graph import ImportGraph
from archlint.model import Diagnostic, Import, Report, Violation

VERSION = 1


def render(report: Report) -> str:
    data = {
        "version": VERSION,
        "contracts": [
            {
                "name": c.name,
                "type": c.type,
                "kept": c.kept,
                "violations": [_violation(v) for v in c.violations],
            }
            for c in report.contracts
        ],
        "errors": [_diagnostic(d) for d in report.errors],
        "warnings": [_diagnostic(d) for d in report.warnings],
        "summary": summary(report),
    }
    return json.dumps(data, indent=2, sort_keys=False) + "\n"


def summary(report: Report) -> dict[str, int]:
    broken = sum(1 for c in report.contracts if not c.kept)
    return {
        "contracts": len(report.contracts),
        "kept": len(report.contracts) - broken,
        "broken": broken,
        "violations": len(report.violations),
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "files": report.files,
        "modules": report.modules,
        "imports": report.imports,
    }


def render_graph(graph: ImportGraph) -> str:
    data = {
        "modules": [
            {
                "name": m.name,
                "path": m.path,
                "is_package": m.is_package,
                "external": m.external,
                "stdlib": m.stdlib,
            }
            for m in graph.modules_info()
        ],
        "imports": [_link(i) for i in graph.imports()],
    }
    return json.dumps(data, indent=2) + "\n"


def _link(link: Import) -> dict[str, Any]:
    return {
        "importer": link.importer,
        "imported": link.imported,
        "path": link.path,
        "line": link.line,
        "column": link.column,
        "kind": link.kind.value,
    }


def _violation(v: Violation) -> dict[str, Any]:
    return {
        "code": v.code,
        "message": v.message,
        "importer": v.importer,
        "imported": v.imported,
        "path": v.path,
        "line": v.line,
        "column": v.column,
        "fingerprint": v.fingerprint,
        "chain": [_link(link) for link in v.chain],
    }


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "code": d.code,
        "message": d.message,
    }
