"""The fast path of scanning: the imports of a module that CPython's ``ast`` could parse.

It must give exactly what the libcst visitor (``libcst_scan.py``, the reference) gives: the
same imports, positions (1-based, in characters) and kinds. ``tests/differential`` proves it
on the standard library and real packages. Files ``ast`` cannot parse (newer syntax than the
running Python, or errors) go to libcst.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable

from archlint.abstract_classes import ABSTRACT_BASES, ABSTRACT_DECORATORS, ABSTRACT_METACLASS
from archlint.dynamic_imports import dynamic_target, split_relative
from archlint.model import ImportKind, RawImport

_OPTIONAL_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
if sys.version_info >= (3, 11):
    _TRY: tuple[type[ast.stmt], ...] = (ast.Try, ast.TryStar)
else:
    _TRY = (ast.Try,)
_PRECEDENCE = (ImportKind.TYPE_CHECKING, ImportKind.FUNCTION, ImportKind.OPTIONAL)


def scan_tree(tree: ast.Module, text: str) -> tuple[RawImport, ...]:
    """Every import of ``tree`` (parsed from ``text``), sorted by position."""
    visitor = _Visitor(text)
    visitor.block(tree.body)
    return tuple(sorted(visitor.imports))


def count_classes(tree: ast.Module) -> tuple[int, int]:
    """(class statements, abstract ones) anywhere in ``tree``; see ``FileScan``."""
    classes = abstract = 0
    # a class is a statement: only statement lists are walked, never expressions (which make
    # most of the nodes of a generated parser's tables)
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.ClassDef):
            classes += 1
            abstract += _is_abstract(node)
        for field in ("body", "orelse", "finalbody"):
            stack.extend(getattr(node, field, ()))
        for clause in getattr(node, "handlers", ()):
            stack.extend(clause.body)
        for case in getattr(node, "cases", ()):
            stack.extend(case.body)
    return classes, abstract


def _last(node: ast.expr) -> str:
    """The last name of a dotted name (``Protocol[T]`` counts as ``Protocol``), else ""."""
    if isinstance(node, ast.Subscript):
        node = node.value
    return (_dotted(node) or "").rpartition(".")[2]


def _is_abstract(node: ast.ClassDef) -> bool:
    if any(_last(base) in ABSTRACT_BASES for base in node.bases):
        return True
    if any(k.arg == "metaclass" and _last(k.value) == ABSTRACT_METACLASS for k in node.keywords):
        return True
    return any(
        isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(
            not isinstance(d, ast.Subscript) and _last(d) in ABSTRACT_DECORATORS
            for d in statement.decorator_list
        )
        for statement in node.body
    )


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _literal(node: ast.expr | None) -> str | None:
    """A str literal (``ast`` already joined implicit concatenation), folding ``+``."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None or right is None else left + right
    return None


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Attribute):
        return test.attr == "TYPE_CHECKING"
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for expr in caught:
        name = _dotted(expr)
        if name is not None and name.removeprefix("builtins.") in _OPTIONAL_ERRORS:
            return True
    return False


def _dynamic_target(node: ast.Call, dunder: bool) -> tuple[str, int] | None:
    """(module, level) imported by an ``import_module``/``__import__`` call, if literal."""
    if any(isinstance(arg, ast.Starred) for arg in node.args) or any(
        kw.arg is None for kw in node.keywords
    ):
        return None
    positional = node.args
    keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg is not None}
    first = positional[0] if positional else keywords.get("name")
    value = _literal(first)
    if value is None:
        return None
    module, level = split_relative(value)
    if dunder:  # __import__(name, globals, locals, fromlist, level)
        extra = positional[4] if len(positional) > 4 else keywords.get("level")
        if level:
            return None
        if isinstance(extra, ast.Constant) and isinstance(extra.value, int):
            if isinstance(extra.value, bool):
                return None
            level = extra.value
        elif extra is not None:
            return None
    elif level:  # import_module(".x", package=__name__)
        package = positional[1] if len(positional) > 1 else keywords.get("package")
        if not (isinstance(package, ast.Name) and package.id == "__name__"):
            return None
    return dynamic_target(module, level)


class _Visitor:
    """Walks statements with an explicit context, mirroring the libcst visitor's rules: only
    bodies change the kind (function bodies, ``if TYPE_CHECKING:`` bodies, ``try`` bodies whose
    handlers catch ImportError); decorators, defaults, tests and handlers keep the outer one."""

    def __init__(self, text: str) -> None:
        # only non-ASCII lines need byte offsets turned into characters; lines end as ast sees it
        self.lines = None if text.isascii() else re.split(r"\r\n|\r|\n", text)
        self.imports: list[RawImport] = []
        self.active = dict.fromkeys(ImportKind, 0)
        self.importlib = {"importlib"}
        # without these words no expression can import: walking statements is enough
        self.expressions = "import_module" in text or "__import__" in text
        self.import_module: set[str] = set()

    # -- context -----------------------------------------------------------------------------

    def kind(self) -> ImportKind:
        for candidate in _PRECEDENCE:
            if self.active[candidate]:
                return candidate
        return ImportKind.TOP_LEVEL

    def within(self, kind: ImportKind | None, nodes: Iterable[ast.AST]) -> None:
        if kind is not None:
            self.active[kind] += 1
        for node in nodes:
            self.visit(node)
        if kind is not None:
            self.active[kind] -= 1

    def block(self, nodes: Iterable[ast.AST]) -> None:
        self.within(None, nodes)

    def column(self, node: ast.expr | ast.stmt) -> int:
        """1-based column in characters (``ast`` counts UTF-8 bytes)."""
        if self.lines is None or node.lineno > len(self.lines):
            return node.col_offset + 1
        line = self.lines[node.lineno - 1]
        return len(line.encode("utf-8")[: node.col_offset].decode("utf-8", "replace")) + 1

    def add(
        self, node: ast.expr | ast.stmt, module: str, name: str | None, level: int, kind: ImportKind
    ) -> None:
        self.imports.append(RawImport(node.lineno, self.column(node), module, name, level, kind))

    # -- traversal ---------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.expr) and not self.expressions:
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.add(node, alias.name, None, 0, self.kind())
                if alias.name == "importlib" and alias.asname:
                    self.importlib.add(alias.asname)
        elif isinstance(node, ast.ImportFrom):
            module, level = node.module or "", node.level or 0
            for alias in node.names:
                self.add(node, module, alias.name, level, self.kind())
                if (module, level) == ("importlib", 0) and alias.name in ("*", "import_module"):
                    self.import_module.add(alias.asname or "import_module")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.block([*node.decorator_list, node.args])
            if node.returns is not None:
                self.visit(node.returns)
            self.within(ImportKind.FUNCTION, node.body)
        elif isinstance(node, ast.Lambda):
            self.visit(node.args)
            self.within(ImportKind.FUNCTION, [node.body])
        elif isinstance(node, ast.If):
            self.visit(node.test)
            checking = _is_type_checking(node.test)
            self.within(ImportKind.TYPE_CHECKING if checking else None, node.body)
            negated = (
                isinstance(node.test, ast.UnaryOp)
                and isinstance(node.test.op, ast.Not)
                and _is_type_checking(node.test.operand)
            )
            self.within(ImportKind.TYPE_CHECKING if negated else None, node.orelse)
        elif isinstance(node, _TRY):
            # ast.Try and (3.11+) ast.TryStar share these fields
            handlers: list[ast.ExceptHandler] = getattr(node, "handlers")  # noqa: B009
            rest: list[ast.stmt] = [*getattr(node, "orelse"), *getattr(node, "finalbody")]  # noqa: B009
            optional = any(_catches_import_error(h) for h in handlers)
            self.within(ImportKind.OPTIONAL if optional else None, getattr(node, "body"))  # noqa: B009
            self.block([*handlers, *rest])
        else:
            if isinstance(node, ast.Call):
                self.call(node)
            for child in ast.iter_child_nodes(node):
                self.visit(child)

    def call(self, node: ast.Call) -> None:
        name = _dotted(node.func) or ""
        head, _, attr = name.rpartition(".")
        via_module = attr == "import_module" and head in self.importlib
        if name == "__import__" or name in self.import_module or via_module:
            target = _dynamic_target(node, dunder=name == "__import__")
            if target is not None:
                self.add(node, target[0], None, target[1], ImportKind.DYNAMIC)
