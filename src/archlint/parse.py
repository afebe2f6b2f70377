"""One file's bytes -> the imports written in it. Never imports or executes the analysed code.

libcst is imported only by ``libcst_scan`` and only for files CPython's ``ast`` cannot parse
(newer syntax, errors). Its native parser can overflow the C stack (killing the process)
on deeply nested input, so each file first goes through CPython's ``ast`` (which refuses such
input cleanly) and a nesting-depth estimate."""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
import warnings

from archlint.ast_scan import count_classes, scan_tree
from archlint.lexical_scan import scan_lexically
from archlint.model import FileScan, ScanError

# Estimated libcst nesting beyond which a file is refused. Measured on libcst 1.9 (8 MiB stack):
# its native parser segfaults from ~1100 nested brackets, ~3400 lambdas, ~5600 conditional
# expressions, ~7000 ``and``/``**``, ~8000 unary operators or dotted-name parts. Real code
# stays under 90 by either measure (stdlib and site-packages, checked).
_AST_LIMIT = 500  # depth of the ast (flat ``and``/``or`` chains and dotted names unrolled)
_TEXT_LIMIT = 200  # rough token-based estimate used when ``ast`` cannot parse the file

_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_TOKEN = re.compile(
    r"""(?P<nl>\r?\n|\r)|(?P<cont>\\\r?\n)|(?P<ws>[ \t\f]+)|(?P<comment>\#[^\r\n]*)
    |(?P<str>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
        |'(?:[^'\\\r\n]|\\.)*'?|"(?:[^"\\\r\n]|\\.)*"?)
    |(?P<word>\w+)|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<sep>[,;])|(?P<op>.)""",
    re.VERBOSE | re.DOTALL,
)
_CHAIN_WORDS = frozenset({"not", "and", "or", "if", "else", "lambda", "await"})
_DEEP_MESSAGES = ("too many nested parentheses", "too many levels of indentation")


def scan(source: bytes) -> FileScan:
    """Return the imports written in ``source``, or the reason it cannot be scanned.

    Three paths, fastest first, each proven equal to the next by the differential tests: the
    lexical scanner (``lexical_scan``) for ordinary files; CPython's ``ast`` for what it hands
    over; libcst for what ``ast`` cannot parse (newer syntax, errors to locate). The lexical
    scanner does not look for syntax errors outside import statements and triple-quoted
    strings: archlint is not a syntax checker."""
    return _scan(source, "lexical")


def scan_with_parser(source: bytes) -> FileScan:
    """``scan`` without the lexical scanner: every syntax error is found and located."""
    return _scan(source, "ast")


def scan_with_libcst(source: bytes) -> FileScan:
    """The reference: libcst for every file. The differential tests compare ``scan`` with it."""
    return _scan(source, "libcst")


def _scan(source: bytes, first: str) -> FileScan:
    cookie = _mentions_coding(source)
    text = _decode(source, cookie)
    if isinstance(text, ScanError):
        return FileScan(error=text)
    unterminated = 1 if source and not source.endswith(b"\n") else 0  # a last line without \n
    if first == "lexical":
        found = scan_lexically(text)
        if found is not None:
            # each newline of the text is a b"\n" of the file, except in codecs a cookie may
            # name (UTF-7, unicode_escape) that spell a newline otherwise
            newlines = source.count(b"\n") if cookie else found[3]
            return FileScan(found[0], newlines + unterminated, None, found[1], found[2])
    lines = source.count(b"\n") + unterminated
    if first != "libcst":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
                return FileScan(scan_tree(tree, text), lines, None, *count_classes(tree))
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            pass  # newer syntax, an error to locate, or a tree too deep: libcst decides
    problem, ast_error, _ = _check_depth(text)
    if problem is not None:
        return FileScan(error=problem)
    from archlint.libcst_scan import scan_text  # deferred: most files never need libcst

    result = scan_text(text, ast_error)
    if isinstance(result, ScanError):
        return FileScan(error=result)
    return FileScan(result[0], lines, None, result[1], result[2])


def _where(source: bytes, offset: int) -> tuple[int, int]:
    """1-based line and (byte) column of ``offset`` in ``source``."""
    return source.count(b"\n", 0, offset) + 1, offset - source.rfind(b"\n", 0, offset)


def _decode(source: bytes, cookie: bool) -> str | ScanError:
    """Decode ``source``; ``cookie``: whether its first two lines mention ``coding``."""
    nul = source.find(b"\0")
    if nul >= 0:
        return ScanError(*_where(source, nul), "file contains a NUL byte")
    # most files: no BOM and no coding cookie on the first two lines, so UTF-8 (PEP 3120);
    # ``detect_encoding`` costs three times the decoding itself on small files
    if not cookie and not source.startswith(codecs.BOM_UTF8):
        try:
            return source.decode("utf-8")
        except UnicodeDecodeError:
            pass  # the general path says where
    return _decode_declared(source)


def _mentions_coding(source: bytes) -> bool:
    """Whether the first two lines mention ``coding`` (a cookie may name the encoding)."""
    first = source.find(b"\n")
    second = source.find(b"\n", first + 1) if first >= 0 else -1
    return b"coding" in (source if second < 0 else source[:second])


def _decode_declared(source: bytes) -> str | ScanError:
    """Decode ``source`` (no NUL in it) by its BOM or coding cookie, else as UTF-8."""
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
