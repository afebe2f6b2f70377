"""Scan one file's bytes into raw imports with their kinds. The only module that imports libcst."""

from __future__ import annotations

import ast
import io
import tokenize

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from archlint.model import FileScan, ImportKind, RawImport, ScanError

MAX_DEPTH = 100


def scan(source: bytes) -> FileScan:
    lines = source.count(b"\n") + (1 if source and not source.endswith(b"\n") else 0)
    nul = source.find(b"\x00")
    if nul >= 0:
        line = source.count(b"\n", 0, nul) + 1
        column = nul - (source.rfind(b"\n", 0, nul) + 1) + 1
        return FileScan(lines=lines, error=ScanError(line, column, "file contains a NUL byte"))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError as exc:
        return FileScan(lines=lines, error=ScanError(1, 1, f"unsupported encoding: {exc}"))
    try:
        text = source.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        return FileScan(lines=lines, error=ScanError(1, 1, f"cannot decode as {encoding}: {exc}"))
    try:
        ast.parse(text)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        pass
    try:
        module = cst.parse_module(text)
        collector = _Collector()
        MetadataWrapper(module, unsafe_skip_copy=True).visit(collector)
    except cst.ParserSyntaxError as exc:
        message = str(exc).splitlines()[0]
        return FileScan(lines=lines, error=ScanError(exc.raw_line, exc.raw_column + 1,
                                                     f"syntax error: {message}"))
    except (RecursionError, MemoryError):
        return FileScan(lines=lines, error=ScanError(1, 1, "file too deeply nested to parse"))
    return FileScan(tuple(collector.imports), lines)


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.imports: list[RawImport] = []
        self.functions = 0
        self.type_checking = 0
        self.optional = 0

    def _kind(self) -> ImportKind:
        if self.type_checking:
            return ImportKind.TYPE_CHECKING
        if self.functions:
            return ImportKind.FUNCTION
        if self.optional:
            return ImportKind.OPTIONAL
        return ImportKind.TOP_LEVEL

    def _pos(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column + 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.functions += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.functions -= 1

    def visit_If(self, node: cst.If) -> bool:
        test = node.test
        name = cst.helpers.get_full_name_for_node(test) or ""
        if name == "TYPE_CHECKING" or name.endswith(".TYPE_CHECKING"):
            self.type_checking += 1
            node.body.visit(self)
            self.type_checking -= 1
            if node.orelse is not None:
                node.orelse.visit(self)
            return False
        return True

    def visit_Try(self, node: cst.Try) -> bool:
        if any(_catches_import_error(h.type) for h in node.handlers):
            self.optional += 1
            node.body.visit(self)
            self.optional -= 1
            for handler in node.handlers:
                handler.visit(self)
            if node.orelse is not None:
                node.orelse.visit(self)
            if node.finalbody is not None:
                node.finalbody.visit(self)
            return False
        return True

    def visit_Import(self, node: cst.Import) -> None:
        line, column = self._pos(node)
        for alias in node.names:
            name = cst.helpers.get_full_name_for_node(alias.name) or ""
            self.imports.append(RawImport(line, column, name, None, 0, self._kind()))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        line, column = self._pos(node)
        module = cst.helpers.get_full_name_for_node(node.module) if node.module else ""
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            names = ["*"]
        else:
            names = [cst.helpers.get_full_name_for_node(a.name) or "" for a in node.names]
        for name in names:
            self.imports.append(RawImport(line, column, module or "", name, level, self._kind()))

    def visit_Call(self, node: cst.Call) -> None:
        func = cst.helpers.get_full_name_for_node(node.func) or ""
        if func not in ("importlib.import_module", "import_module", "__import__"):
            return
        if not node.args or not isinstance(node.args[0].value, cst.SimpleString):
            return
        target = node.args[0].value.evaluated_value
        if not isinstance(target, str):
            return
        level = len(target) - len(target.lstrip("."))
        if level and not any(
            a.keyword is not None and a.keyword.value == "package" for a in node.args
        ):
            return
        line, column = self._pos(node)
        self.imports.append(
            RawImport(line, column, target[level:], None, level, ImportKind.DYNAMIC)
        )


def _catches_import_error(expression: cst.BaseExpression | None) -> bool:
    if expression is None:
        return True
    if isinstance(expression, cst.Tuple):
        return any(_catches_import_error(e.value) for e in expression.elements)
    name = cst.helpers.get_full_name_for_node(expression) or ""
    return name.rpartition(".")[2] in (
        "ImportError", "ModuleNotFoundError", "Exception", "BaseException")
