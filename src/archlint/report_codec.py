"""A Report as JSON-compatible data and back, for the report cache.

Lists rather than objects keep entries small; decoding validates every field and returns None
for anything it did not write (a cache entry is data, never code).
"""

from __future__ import annotations

from typing import Any, TypeVar

from archlint.model import (
    ContractResult,
    Diagnostic,
    Import,
    ImportKind,
    Report,
    Severity,
    Violation,
)

_KINDS = {kind.value: kind for kind in ImportKind}
_SEVERITIES = {severity.value: severity for severity in Severity}
E = TypeVar("E")


class _Invalid(Exception):
    """Raised inside the decoder; decode_report turns it into None."""


def encode_report(report: Report) -> list[Any]:
    return [
        [[c.name, c.type, [_violation(v) for v in c.violations]] for c in report.contracts],
        [
            [d.path, d.line, d.column, d.code, d.message, d.severity.value]
            for d in report.diagnostics
        ],
        report.files,
        report.modules,
        report.imports,
        report.config_path,
        report.root,
    ]


def _violation(v: Violation) -> list[Any]:
    chain = [[i.importer, i.imported, i.path, i.line, i.column, i.kind.value] for i in v.chain]
    return [
        v.code,
        v.message,
        v.importer,
        v.imported,
        chain,
        v.path,
        v.line,
        v.column,
        v.fingerprint,
    ]


def decode_report(data: object) -> Report | None:
    """The Report that ``encode_report`` encoded, or None if ``data`` is not such an encoding."""
    try:
        contracts, diagnostics, files, modules, imports, config_path, root = _list(data, 7)
        return Report(
            contracts=tuple(_contract(c) for c in _list(contracts)),
            diagnostics=tuple(_diagnostic(d) for d in _list(diagnostics)),
            files=_int(files),
            modules=_int(modules),
            imports=_int(imports),
            config_path=_str(config_path),
            root=_str(root),
        )
    except _Invalid:
        return None


def _contract(data: object) -> ContractResult:
    name, type_, violations = _list(data, 3)
    return ContractResult(
        _str(name), _str(type_), tuple(_decode_violation(v) for v in _list(violations))
    )


def _decode_violation(data: object) -> Violation:
    code, message, importer, imported, chain, path, line, column, fingerprint = _list(data, 9)
    return Violation(
        code=_str(code),
        message=_str(message),
        importer=_str(importer),
        imported=_str(imported),
        chain=tuple(_link(link) for link in _list(chain)),
        path=_str(path),
        line=_int(line),
        column=_int(column),
        fingerprint=_str(fingerprint),
    )


def _link(data: object) -> Import:
    importer, imported, path, line, column, kind = _list(data, 6)
    return Import(
        _str(importer), _str(imported), _str(path), _int(line), _int(column), _enum(kind, _KINDS)
    )


def _diagnostic(data: object) -> Diagnostic:
    path, line, column, code, message, severity = _list(data, 6)
    return Diagnostic(
        _str(path),
        _int(line),
        _int(column),
        _str(code),
        _str(message),
        _enum(severity, _SEVERITIES),
    )


def _list(data: object, length: int | None = None) -> list[object]:
    if type(data) is not list or (length is not None and len(data) != length):
        raise _Invalid
    return data


def _int(data: object) -> int:
    if type(data) is not int:
        raise _Invalid
    return data


def _str(data: object) -> str:
    if type(data) is not str:
        raise _Invalid
    return data


def _enum(data: object, members: dict[str, E]) -> E:
    if type(data) is not str or data not in members:
        raise _Invalid
    return members[data]
