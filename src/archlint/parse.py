"""One file's bytes -> the imports written in it. Never imports or executes the analysed code.

libcst is imported only here. Its native parser can overflow the C stack (killing the process)
on deeply nested input, so each file first goes through CPython's ``ast`` (which refuses such
input cleanly) and a nesting-depth estimate."""

from __future__ import annotations

import ast
import codecs
import io
import re
import sys
import threading
import tokenize
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from archlint.ast_scan import scan_tree
from archlint.model import FileScan, ImportKind, RawImport, ScanError

# Estimated libcst nesting beyond which a file is refused. Measured on libcst 1.9 (8 MiB stack):
# its native parser segfaults from ~1100 nested brackets, ~3400 lambdas, ~5600 conditional
# expressions, ~7000 ``and``/``**``, ~8000 unary operators or dotted-name parts. Real code
# stays under 90 by either measure (stdlib and site-packages, checked).
_AST_LIMIT = 500  # depth of the ast (flat ``and``/``or`` chains and dotted names unrolled)
_TEXT_LIMIT = 200  # rough token-based estimate used when ``ast`` cannot parse the file
# libcst's Python side recurses a few frames per level (PositionProvider's codegen alone needs
# 2 per piece of an implicit string concatenation: stdlib pydoc_data/topics.py has 2204 pieces,
# libcst issue #1178). Every file the checks above admit fits in this limit (measured, also in
# threads); it is raised only while libcst runs, shared by concurrent scans.
_RECURSION_LIMIT = 30_000
_recursion_lock = threading.Lock()
_recursion_state = [0, 0]  # scans running, limit to restore

_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_TOKEN = re.compile(
    r"""(?P<nl>\r?\n|\r)|(?P<cont>\\\r?\n)|(?P<ws>[ \t\f]+)|(?P<comment>\#[^\r\n]*)
    |(?P<str>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
        |'(?:[^'\\\r\n]|\\.)*'?|"(?:[^"\\\r\n]|\\.)*"?)
    |(?P<word>\w+)|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<sep>[,;])|(?P<op>.)""",
    re.VERBOSE | re.DOTALL,
)
_CHAIN_WORDS = frozenset({"not", "and", "or", "if", "else", "lambda", "await"})
_ERROR_AT = re.compile(r"error at (\d+):(\d+): ")
_DEEP_MESSAGES = ("too many nested parentheses", "too many levels of indentation")
_OPTIONAL_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def scan(source: bytes) -> FileScan:
    """Return the imports written in ``source``, or the reason it cannot be scanned.

    A file that this Python's ``ast`` parses is scanned from that tree (``ast_scan``, proven
    equal to libcst's result by the differential tests); anything else goes to libcst."""
    return _scan(source, fast=True)


def scan_with_libcst(source: bytes) -> FileScan:
    """The reference: libcst for every file. The differential tests compare ``scan`` with it."""
    return _scan(source, fast=False)


def _scan(source: bytes, fast: bool) -> FileScan:
    text = _decode(source)
    if isinstance(text, ScanError):
        return FileScan(error=text)
    lines = source.count(b"\n") + (1 if source and not source.endswith(b"\n") else 0)
    if fast:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return FileScan(imports=scan_tree(ast.parse(text), text), lines=lines)
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            pass  # newer syntax, an error to locate, or a tree too deep: libcst decides
    problem, ast_error, _ = _check_depth(text)
    if problem is not None:
        return FileScan(error=problem)
    try:
        with _recursion_headroom():
            module = cst.parse_module(text)
            visitor = _ImportVisitor()
            MetadataWrapper(module, unsafe_skip_copy=True).visit(visitor)
    except cst.ParserSyntaxError as exc:
        return FileScan(error=_syntax_error(exc, text, ast_error))
    except (RecursionError, MemoryError):
        return FileScan(error=_too_deep(0, 1))
    except Exception as exc:  # libcst is a native parser: never let it take down the run
        return FileScan(error=ScanError(1, 1, f"cannot parse: {type(exc).__name__}: {exc}"))
    return FileScan(imports=tuple(sorted(visitor.imports)), lines=lines)


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


def _where(source: bytes, offset: int) -> tuple[int, int]:
    """1-based line and (byte) column of ``offset`` in ``source``."""
    return source.count(b"\n", 0, offset) + 1, offset - source.rfind(b"\n", 0, offset)


def _decode(source: bytes) -> str | ScanError:
    nul = source.find(b"\0")
    if nul >= 0:
        return ScanError(*_where(source, nul), "file contains a NUL byte")
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(source).readline)[0]
    except SyntaxError:  # unknown cookie, BOM + other cookie, or non-UTF-8 bytes on lines 1-2
        encoding = "utf-8-sig"
        head = source.removeprefix(codecs.BOM_UTF8).split(b"\n", 2)[:2]
        for lineno, line in enumerate(head, start=1):
            cookie = _COOKIE.match(line.decode("latin-1"))
            if cookie is None:
                continue
            try:
                codecs.lookup(cookie[1])
            except LookupError:
                return ScanError(lineno, 1, f"unsupported encoding {cookie[1]!r} declared")
            if source.startswith(codecs.BOM_UTF8):
                return ScanError(lineno, 1, f"encoding {cookie[1]!r} declared after a UTF-8 BOM")
            break
    try:
        return source.decode(encoding)
    except UnicodeDecodeError as exc:
        name = "utf-8" if encoding == "utf-8-sig" else encoding
        bad = f"{exc.reason} (byte 0x{exc.object[exc.start]:02x})"  # object: source minus BOM
        return ScanError(*_where(exc.object, exc.start), f"cannot decode as {name}: {bad}")
    except LookupError:  # a codec that is not a text encoding, e.g. rot13
        return ScanError(1, 1, f"unsupported encoding {encoding!r} declared")


def _check_depth(text: str) -> tuple[ScanError | None, SyntaxError | None, ast.Module | None]:
    """Refuse input that could crash libcst's native parser (see ``_AST_LIMIT``).

    Also return ``ast``'s SyntaxError, if any: it is not proof of an error (this Python's ``ast``
    does not know 3.12+ syntax, libcst does), but it locates errors libcst cannot place.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as exc:
        deep = any(message in str(exc.msg) for message in _DEEP_MESSAGES)
        return _check_text_depth(text, (exc.lineno or 1) if deep else None), exc, None
    except (RecursionError, MemoryError):  # ``ast`` gave up on the nesting
        return _check_text_depth(text, 1), None, None
    except ValueError:
        return _check_text_depth(text, None), None, None
    depth, line = _ast_depth(tree)
    return (_too_deep(depth, line) if depth > _AST_LIMIT else None), None, tree


def _too_deep(depth: int, line: int) -> ScanError:
    detail = f"depth {depth}" if depth else "recursion limit reached"
    return ScanError(line, 1, f"nesting too deep to parse safely ({detail})")


def _ast_depth(tree: ast.AST) -> tuple[int, int]:
    """Max depth of the tree as libcst nests it (iteratively: it may be thousands deep), and the
    line where it first passes the limit."""
    best, over = 0, 0
    stack: list[tuple[ast.AST, int, int]] = [(tree, 0, 1)]
    while stack:
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)
        if isinstance(node, ast.alias):
            depth += node.name.count(".")
        elif isinstance(node, ast.ImportFrom):
            depth += (node.module or "").count(".")
        best = max(best, depth)
        if depth > _AST_LIMIT and not over:
            over = line
        step = len(node.values) if isinstance(node, ast.BoolOp) else 1
        children = [(child, depth + step, line) for child in ast.iter_child_nodes(node)]
        stack.extend(reversed(children))  # source order, so ``over`` is the first deep line
    return best, over


def _check_text_depth(text: str, deep_line: int | None) -> ScanError | None:
    """Estimate nesting from tokens: brackets, indentation, ``elif``, operator/trailer chains.

    An over-estimate of how deep libcst will nest (commas reset a chain). ``deep_line`` is set
    when ``ast`` itself reported excessive nesting there: the file is refused in any case.
    """
    line, best, over = 1, 0, 0
    indents, elifs, elif_total = [0], [0], 0
    saved: list[int] = []  # depth of the enclosing levels of open brackets
    base = depth = 0
    line_start, indent = True, 0
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "ws":
            indent = len(token.expandtabs(8)) if line_start else indent
            continue
        if kind in ("nl", "cont", "comment"):
            line += kind != "comment"
            if kind == "nl" and not saved:
                line_start, indent = True, 0
            continue
        if line_start:
            line_start = False
            if indent > indents[-1]:
                indents.append(indent)
                elifs.append(0)
            while indent < indents[-1] and len(indents) > 1:
                indents.pop()
                elif_total -= elifs.pop()
            if token == "elif":
                elifs[-1] += 1
                elif_total += 1
            elif token != "else":
                elif_total -= elifs[-1]
                elifs[-1] = 0
            base = depth = len(indents) - 1 + elif_total
        if kind == "str":
            line += token.count("\n")
        elif kind == "open":
            saved.append(depth)
            depth += 1
        elif kind == "close":
            depth = saved.pop() + 1 if saved else depth  # ``f(x)(y)``: trailers nest
        elif kind == "sep":
            depth = saved[-1] + 1 if saved else base
        elif kind == "op" or token in _CHAIN_WORDS:
            depth += 1
        best = max(best, depth)
        if depth > _TEXT_LIMIT and not over:
            over = line
    if over or deep_line is not None:
        return _too_deep(best, over or deep_line or 1)
    return None


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
    module = value.lstrip(".")
    level = len(value) - len(module)
    if dunder:  # __import__(name, globals, locals, fromlist, level)
        extra = positional[4] if len(positional) > 4 else keywords.get("level")
        if level or (extra is not None and not isinstance(extra, cst.Integer)):
            return None
        level = extra.evaluated_value if isinstance(extra, cst.Integer) else 0
    elif level:  # import_module(".x", package=__name__)
        package = positional[1] if len(positional) > 1 else keywords.get("package")
        if not (isinstance(package, cst.Name) and package.value == "__name__"):
            return None
    if module and not all(part.isidentifier() for part in module.split(".")):
        return None
    return (module, level) if module or level else None


class _ImportVisitor(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.imports: list[RawImport] = []
        self._context: list[ImportKind | None] = []  # one entry per open body hook
        self._active = dict.fromkeys(ImportKind, 0)
        self._importlib = {"importlib"}  # names bound to the importlib module
        self._import_module: set[str] = set()  # names bound to importlib.import_module

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
