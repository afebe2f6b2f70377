"""The reference scanner: libcst, for files the fast path (``ast_scan``) cannot take.

The only module that imports libcst. ``parse.py`` has already refused input deep enough to
crash libcst's native parser before it calls ``scan_text``.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from archlint.abstract_classes import ABSTRACT_BASES, ABSTRACT_DECORATORS, ABSTRACT_METACLASS
from archlint.dynamic_imports import dynamic_target, split_relative
from archlint.model import ImportKind, RawImport, ScanError

# libcst's Python side recurses a few frames per level (PositionProvider's codegen alone needs
# 2 per piece of an implicit string concatenation: stdlib pydoc_data/topics.py has 2204 pieces,
# libcst issue #1178). Every file the checks above admit fits in this limit (measured, also in
# threads); it is raised only while libcst runs, shared by concurrent scans.
_RECURSION_LIMIT = 30_000
_recursion_lock = threading.Lock()
_recursion_state = [0, 0]  # scans running, limit to restore
_ERROR_AT = re.compile(r"error at (\d+):(\d+): ")
_OPTIONAL_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def scan_text(
    text: str, ast_error: SyntaxError | None
) -> tuple[tuple[RawImport, ...], int, int] | ScanError:
    """The imports of ``text`` by libcst, with its classes and abstract classes (see
    ``FileScan``), or why it cannot be parsed. ``ast_error`` is CPython's SyntaxError for the
    same text, if any: it locates errors libcst cannot place."""
    try:
        with _recursion_headroom():
            module = cst.parse_module(text)
            visitor = _ImportVisitor()
            MetadataWrapper(module, unsafe_skip_copy=True).visit(visitor)
    except cst.ParserSyntaxError as exc:
        return _syntax_error(exc, text, ast_error)
    except (RecursionError, MemoryError):
        return ScanError(1, 1, "nesting too deep to parse safely (recursion limit reached)")
    except Exception as exc:  # libcst is a native parser: never let it take down the run
        return ScanError(1, 1, f"cannot parse: {type(exc).__name__}: {exc}")
    return tuple(sorted(visitor.imports)), visitor.classes, visitor.abstract


def _syntax_error(
    exc: cst.ParserSyntaxError, text: str, ast_error: SyntaxError | None
) -> ScanError:
    """Locate a libcst syntax error. Its native parser leaves ``raw_column`` at 0 and
    ``raw_line`` at 1 for tokenizer errors; its message says "error at L:C" (0-based column) of
    the furthest token reached, which is the end of the file when the input stops early. Then
    CPython's position is better, if ``ast`` failed on the same line (or libcst gave none)."""
    message = (exc.message.splitlines() or ["invalid syntax"])[0]
    line, column, at = exc.raw_line, exc.raw_column + 1, _ERROR_AT.search(message)
    if at is not None:
        message = message.replace(at[0], "")
        if "\n".join(text.split("\n")[int(at[1]) - 1 :])[int(at[2]) :].strip():
            return ScanError(int(at[1]), int(at[2]) + 1, f"syntax error: {message}")
    if ast_error is not None and ast_error.lineno and (at is None or ast_error.lineno == line):
        line, column = ast_error.lineno, ast_error.offset or 1
    return ScanError(line, column, f"syntax error: {message}")


@contextmanager
def _recursion_headroom() -> Iterator[None]:
    with _recursion_lock:
        if not _recursion_state[0]:
            _recursion_state[1] = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_recursion_state[1], _RECURSION_LIMIT))
        _recursion_state[0] += 1
    try:
        yield
    finally:
        with _recursion_lock:
            _recursion_state[0] -= 1
            if not _recursion_state[0]:
                sys.setrecursionlimit(_recursion_state[1])


def _dotted(node: cst.BaseExpression) -> str | None:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _literal(node: cst.BaseExpression) -> str | None:
    """The value of a str literal, folding implicit and ``+`` concatenation; else None."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString) or (
        isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)
    ):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None or right is None else left + right
    return None


def _last(node: cst.BaseExpression) -> str:
    """The last name of a dotted name (``Protocol[T]`` counts as ``Protocol``), else ""."""
    if isinstance(node, cst.Subscript):
        node = node.value
    return (_dotted(node) or "").rpartition(".")[2]


def _is_abstract(node: cst.ClassDef) -> bool:
    for arg in node.bases:
        if not arg.star and _last(arg.value) in ABSTRACT_BASES:
            return True
    for arg in node.keywords:
        metaclass = arg.keyword is not None and arg.keyword.value == "metaclass"
        if metaclass and _last(arg.value) == ABSTRACT_METACLASS:
            return True
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return any(
        isinstance(statement, cst.FunctionDef)
        and any(
            not isinstance(d.decorator, cst.Subscript) and _last(d.decorator) in ABSTRACT_DECORATORS
            for d in statement.decorators
        )
        for statement in body
    )


def _is_type_checking(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Attribute):
        return test.attr.value == "TYPE_CHECKING"
    return isinstance(test, cst.Name) and test.value == "TYPE_CHECKING"


def _catches_import_error(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    if handler.type is None:
        return True
    caught = handler.type.elements if isinstance(handler.type, cst.Tuple) else ()
    for expr in [element.value for element in caught] or [handler.type]:
        name = _dotted(expr)
        if name is not None and name.removeprefix("builtins.") in _OPTIONAL_ERRORS:
            return True
    return False


def _dynamic_target(node: cst.Call, dunder: bool) -> tuple[str, int] | None:
    """(module, level) imported by an ``import_module``/``__import__`` call, if it is literal."""
    if any(arg.star for arg in node.args):
        return None
    positional = [arg.value for arg in node.args if arg.keyword is None]
    keywords = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
    first = positional[0] if positional else keywords.get("name")
    value = _literal(first) if first is not None else None
    if value is None:
        return None
    module, level = split_relative(value)
    if dunder:  # __import__(name, globals, locals, fromlist, level)
        extra = positional[4] if len(positional) > 4 else keywords.get("level")
        if level or (extra is not None and not isinstance(extra, cst.Integer)):
            return None
        level = extra.evaluated_value if isinstance(extra, cst.Integer) else 0
    elif level:  # import_module(".x", package=__name__)
        package = positional[1] if len(positional) > 1 else keywords.get("package")
        if not (isinstance(package, cst.Name) and package.value == "__name__"):
            return None
    return dynamic_target(module, level)


class _ImportVisitor(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.imports: list[RawImport] = []
        self._context: list[ImportKind | None] = []  # one entry per open body hook
        self._active = dict.fromkeys(ImportKind, 0)
        self._importlib = {"importlib"}  # names bound to the importlib module
        self._import_module: set[str] = set()  # names bound to importlib.import_module
        self.classes = self.abstract = 0

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes += 1
        self.abstract += _is_abstract(node)

    def _add(self, node: cst.CSTNode, module: str, name: str | None, level: int) -> None:
        kind = ImportKind.DYNAMIC if isinstance(node, cst.Call) else ImportKind.TOP_LEVEL
        for candidate in (ImportKind.TYPE_CHECKING, ImportKind.FUNCTION, ImportKind.OPTIONAL):
            if kind is ImportKind.TOP_LEVEL and self._active[candidate]:
                kind = candidate
        start = self.get_metadata(PositionProvider, node).start
        self.imports.append(RawImport(start.line, start.column + 1, module, name, level, kind))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = _dotted(alias.name) or ""
            self._add(node, module, None, 0)
            if module == "importlib" and alias.evaluated_alias:
                self._importlib.add(alias.evaluated_alias)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = (_dotted(node.module) or "") if node.module is not None else ""
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            bindings: list[tuple[str, str | None]] = [("*", "import_module")]
        else:
            bindings = [(_dotted(alias.name) or "", alias.evaluated_alias) for alias in node.names]
        for name, alias in bindings:
            self._add(node, module, name, level)
            if (module, level) == ("importlib", 0) and name in ("*", "import_module"):
                self._import_module.add(alias or name)

    def visit_Call(self, node: cst.Call) -> None:
        name = _dotted(node.func) or ""
        head, _, attr = name.rpartition(".")
        via_module = attr == "import_module" and head in self._importlib
        if name == "__import__" or name in self._import_module or via_module:
            target = _dynamic_target(node, dunder=name == "__import__")
            if target is not None:
                self._add(node, target[0], None, target[1])

    def _push(self, kind: ImportKind | None) -> None:
        self._context.append(kind)
        if kind is not None:
            self._active[kind] += 1

    def _pop(self, node: cst.CSTNode) -> None:
        kind = self._context.pop()
        if kind is not None:
            self._active[kind] -= 1

    def _push_function(self, node: cst.CSTNode) -> None:
        self._push(ImportKind.FUNCTION)

    def visit_If_body(self, node: cst.If) -> None:
        self._push(ImportKind.TYPE_CHECKING if _is_type_checking(node.test) else None)

    def visit_If_orelse(self, node: cst.If) -> None:  # the else of ``if not TYPE_CHECKING:``
        test = node.test
        checking = (
            isinstance(test, cst.UnaryOperation)
            and isinstance(test.operator, cst.Not)
            and _is_type_checking(test.expression)
        )
        self._push(ImportKind.TYPE_CHECKING if checking else None)

    def _push_try(self, node: cst.Try | cst.TryStar) -> None:
        optional = any(_catches_import_error(handler) for handler in node.handlers)
        self._push(ImportKind.OPTIONAL if optional else None)

    # Only bodies change the context: decorators, defaults, tests, handlers keep the outer one.
    visit_FunctionDef_body = visit_Lambda_body = _push_function
    visit_Try_body = visit_TryStar_body = _push_try
    leave_FunctionDef_body = leave_Lambda_body = leave_If_body = leave_If_orelse = _pop
    leave_Try_body = leave_TryStar_body = _pop
