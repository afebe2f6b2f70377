"""scan(): bytes of one file -> the raw imports written in it, with position and kind."""

from __future__ import annotations

import keyword
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archlint.model import FileScan, ImportKind, RawImport, ScanError
from archlint.parse import (
    _decode,
    _decode_declared,
    _mentions_coding,
    scan,
    scan_with_libcst,
    scan_with_parser,
)

Row = tuple[int, int, str, str | None, int, str]
TOP, FUNC, TC, OPT, DYN = "top-level", "function", "type-checking", "optional", "dynamic"


def rows(source: str | bytes) -> list[Row]:
    data = textwrap.dedent(source).encode() if isinstance(source, str) else source
    result = scan(data)
    assert result.error is None, result.error
    return [(i.line, i.column, i.module, i.name, i.level, i.kind.value) for i in result.imports]


def error(source: bytes) -> ScanError:
    result = scan_with_parser(source)
    assert result.error is not None and result.imports == ()
    return result.error


# --- import forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import a.b\n", [(1, 1, "a.b", None, 0, TOP)]),
        ("import a.b as c\n", [(1, 1, "a.b", None, 0, TOP)]),
        ("import a, b.c\n", [(1, 1, "a", None, 0, TOP), (1, 1, "b.c", None, 0, TOP)]),
        ("from a import b, c\n", [(1, 1, "a", "b", 0, TOP), (1, 1, "a", "c", 0, TOP)]),
        (
            "x = 1\nfrom a.b import (\n    c,\n    d as e,\n)\n",
            [(2, 1, "a.b", "c", 0, TOP), (2, 1, "a.b", "d", 0, TOP)],
        ),
        ("from a import *\n", [(1, 1, "a", "*", 0, TOP)]),
        ("from . import x\n", [(1, 1, "", "x", 1, TOP)]),
        ("from ..a import b\n", [(1, 1, "a", "b", 2, TOP)]),
        ("from .a.b import c as d\n", [(1, 1, "a.b", "c", 1, TOP)]),
        ("from ... import *\n", [(1, 1, "", "*", 3, TOP)]),
        ("x = 1; import a\n", [(1, 8, "a", None, 0, TOP)]),
        ("import  a  ,b\n", [(1, 1, "a", None, 0, TOP), (1, 1, "b", None, 0, TOP)]),
        ("# c\n\n@d\nclass C:\n    import a\n", [(5, 5, "a", None, 0, TOP)]),
    ],
)
def test_import_forms(source: str, expected: list[Row]) -> None:
    assert rows(source) == expected


def test_module_level_compound_statements_are_top_level() -> None:
    source = """\
        if x:
            import a
        for i in y:
            import b
        while z:
            import c
        with w:
            import d
        class C:
            class D:
                import e
        """
    assert [r[2:] for r in rows(source)] == [(m, None, 0, TOP) for m in "abcde"]


# --- kinds ------------------------------------------------------------------------------------


def test_function_kind_at_any_depth() -> None:
    source = """\
        def f():
            import a
            def g():
                if x:
                    from b import c
        class C:
            def m(self):
                import d
            async def n(self):
                import e
        """
    assert rows(source) == [
        (2, 5, "a", None, 0, FUNC),
        (5, 13, "b", "c", 0, FUNC),
        (8, 9, "d", None, 0, FUNC),
        (10, 9, "e", None, 0, FUNC),
    ]


def test_decorators_and_defaults_run_at_definition_time() -> None:
    source = """\
        @deco(__import__("a"))
        def f(x=__import__("b")):
            return __import__("c")
        """
    assert [(r[0], r[2], r[5]) for r in rows(source)] == [
        (1, "a", DYN),
        (2, "b", DYN),
        (3, "c", DYN),
    ]


def test_type_checking_branches() -> None:
    source = """\
        import typing
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import a
        else:
            import b
        if typing.TYPE_CHECKING:
            from c import d
        if t.TYPE_CHECKING:
            import e
        if x:
            import f
        elif TYPE_CHECKING:
            import g
        elif y:
            import h
        else:
            import i
        if TYPE_CHECKING:
            import j
        elif y:
            import k
        """
    assert [r[2:] for r in rows(source)] == [
        ("typing", None, 0, TOP),
        ("typing", "TYPE_CHECKING", 0, TOP),
        ("a", None, 0, TC),
        ("b", None, 0, TOP),
        ("c", "d", 0, TC),
        ("e", None, 0, TC),
        ("f", None, 0, TOP),
        ("g", None, 0, TC),
        ("h", None, 0, TOP),
        ("i", None, 0, TOP),
        ("j", None, 0, TC),
        ("k", None, 0, TOP),
    ]


def test_if_not_type_checking_is_runtime_and_its_else_is_type_checking() -> None:
    source = """\
        if not TYPE_CHECKING:
            import a
        else:
            import b
        if not TYPE_CHECKING:
            import c
        elif x:
            import d
        """
    assert [(r[2], r[5]) for r in rows(source)] == [("a", TOP), ("b", TC), ("c", TOP), ("d", TC)]


def test_type_checking_wins_over_function_and_optional() -> None:
    source = """\
        def f():
            if TYPE_CHECKING:
                import a
            import b
        try:
            if TYPE_CHECKING:
                import c
        except ImportError:
            pass
        if TYPE_CHECKING:
            def g():
                import d
            try:
                import e
            except ImportError:
                pass
        """
    assert [(r[2], r[5]) for r in rows(source)] == [
        ("a", TC),
        ("b", FUNC),
        ("c", TC),
        ("d", TC),
        ("e", TC),
    ]


@pytest.mark.parametrize(
    ("handler", "kind"),
    [
        ("except ImportError:", OPT),
        ("except ModuleNotFoundError as exc:", OPT),
        ("except (ImportError, AttributeError):", OPT),
        ("except (ValueError, builtins.ModuleNotFoundError):", OPT),
        ("except builtins.ImportError:", OPT),
        ("except:", OPT),
        ("except Exception:", OPT),
        ("except BaseException:", OPT),
        ("except* ImportError:", OPT),
        ("except ValueError:", TOP),
        ("except (ValueError, KeyError):", TOP),
        ("except* ValueError:", TOP),
        ("except other.ImportError:", TOP),
    ],
)
def test_optional_try(handler: str, kind: str) -> None:
    source = f"try:\n    import a\n{handler}\n    import b\n"
    assert rows(source) == [(2, 5, "a", None, 0, kind), (4, 5, "b", None, 0, TOP)]


def test_optional_only_covers_the_try_body() -> None:
    source = """\
        try:
            import a
        except ValueError:
            import b
        except ImportError:
            import c
        else:
            import d
        finally:
            import e
        """
    assert [(r[2], r[5]) for r in rows(source)] == [
        ("a", OPT),
        ("b", TOP),
        ("c", TOP),
        ("d", TOP),
        ("e", TOP),
    ]


def test_function_wins_over_optional() -> None:
    source = """\
        try:
            def f():
                import a
            class C:
                import b
        except ImportError:
            def g():
                try:
                    import c
                except ImportError:
                    pass
        """
    assert [(r[2], r[5]) for r in rows(source)] == [("a", FUNC), ("b", OPT), ("c", FUNC)]


# --- dynamic imports --------------------------------------------------------------------------


def test_dynamic_imports() -> None:
    source = """\
        import importlib
        import importlib as il
        from importlib import import_module
        from importlib import import_module as im
        importlib.import_module("a.b")
        x = il.import_module("c" ".d")
        import_module("e" + ".f")
        im(".plugins", package=__name__)
        im("..x", __name__)
        im(".", package=__name__)
        im(name="g")
        __import__("h.i", fromlist=["j"])
        __import__("k", globals(), locals(), [], 1)
        def f():
            if TYPE_CHECKING:
                return lambda: im("l")
        """
    assert rows(source)[4:] == [
        (5, 1, "a.b", None, 0, DYN),
        (6, 5, "c.d", None, 0, DYN),
        (7, 1, "e.f", None, 0, DYN),
        (8, 1, "plugins", None, 1, DYN),
        (9, 1, "x", None, 2, DYN),
        (10, 1, "", None, 1, DYN),
        (11, 1, "g", None, 0, DYN),
        (12, 1, "h.i", None, 0, DYN),
        (13, 1, "k", None, 1, DYN),
        (16, 24, "l", None, 0, DYN),
    ]


def test_dynamic_imports_that_are_skipped() -> None:
    source = """\
        import importlib
        from importlib import import_module as im
        importlib.import_module(name)
        importlib.import_module(f"a{b}")
        importlib.import_module(f"a")
        importlib.import_module(b"a")
        importlib.import_module("a" + b)
        importlib.import_module(*args)
        importlib.import_module("")
        importlib.import_module("not a module")
        importlib.import_module(".rel")
        importlib.import_module(".rel", package="pkg")
        importlib.import_module(".rel", package=__package__)
        import_module("x")
        other.import_module("x")
        __import__(".rel")
        __import__("x", level=n)
        im()
        """
    assert rows(source) == [
        (1, 1, "importlib", None, 0, TOP),
        (2, 1, "importlib", "import_module", 0, TOP),
    ]


def test_import_module_bound_by_star_import() -> None:
    assert rows("from importlib import *\nimport_module('a')\n")[1:] == [(2, 1, "a", None, 0, DYN)]


# --- file-level behaviour ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        (b"", 0),
        (b"\n", 1),
        (b"x", 1),
        (b"x\n", 1),
        (b"x\ny", 2),
        (b"x\n\n\n", 3),
        (b"x\r\ny\r\n", 2),
    ],
)
def test_lines(source: bytes, lines: int) -> None:
    assert scan(source) == FileScan(lines=lines)


def test_empty_file() -> None:
    assert scan(b"") == FileScan(imports=(), lines=0, error=None)


def test_latin1_cookie() -> None:
    source = "# -*- coding: latin-1 -*-\nimport café\ns = 'é'; import b\n".encode("latin-1")
    assert rows(source) == [(2, 1, "café", None, 0, TOP), (3, 10, "b", None, 0, TOP)]


def test_cookie_on_second_line() -> None:
    source = "#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nimport é\n"
    assert rows(source.encode("latin-1")) == [(3, 1, "é", None, 0, TOP)]


def test_utf8_bom() -> None:
    assert rows(b"\xef\xbb\xbfimport a\n") == [(1, 1, "a", None, 0, TOP)]


def test_crlf() -> None:
    assert rows(b"x = 1\r\nif x:\r\n    import a\r\n") == [(3, 5, "a", None, 0, TOP)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"import a\0\n", ScanError(1, 9, "file contains a NUL byte")),
        (b"x = 1\n\n  \0\0", ScanError(3, 3, "file contains a NUL byte")),
        (
            b"\xff\xfeimport a\n",
            ScanError(1, 1, "cannot decode as utf-8: invalid start byte (byte 0xff)"),
        ),
        (
            b"import a\ns = '\xe9'\n",
            ScanError(2, 6, "cannot decode as utf-8: invalid continuation byte (byte 0xe9)"),
        ),
        (
            b"# coding: ascii\nimport a\ns = '\xc3\xa9'\n",
            ScanError(3, 6, "cannot decode as ascii: ordinal not in range(128) (byte 0xc3)"),
        ),
        (b"# coding: xyz\nimport a\n", ScanError(1, 1, "unsupported encoding 'xyz' declared")),
        (
            b"#!python\n# coding=klingon\n",
            ScanError(2, 1, "unsupported encoding 'klingon' declared"),
        ),
        (b"# coding: rot13\n", ScanError(1, 1, "unsupported encoding 'rot13' declared")),
        (
            b"\xef\xbb\xbf# coding: latin-1\n",
            ScanError(1, 1, "encoding 'latin-1' declared after a UTF-8 BOM"),
        ),
        (
            b"\xef\xbb\xbf# coding: utf-8\nimport \xff\n",
            ScanError(2, 8, "cannot decode as utf-8: invalid start byte (byte 0xff)"),
        ),
    ],
)
def test_unreadable_bytes(source: bytes, expected: ScanError) -> None:
    assert scan(source) == FileScan(error=expected)


@pytest.mark.parametrize(
    "source",
    [
        b"# coding: utf-7\nimport os\nx = 1 #+AAo-import sys\n",  # +AAo- is a newline
        b"# coding: unicode_escape\nimport os\n# a\\nb\nx = 1\n",
        b"\xef\xbb\xbfimport a\nimport b",
    ],
)
def test_lines_are_the_file_lines_whatever_the_codec(source: bytes) -> None:
    """The lexical scanner counts newlines in the decoded text; a codec that spells a newline
    without a newline byte must not change the count (the parser path counts bytes)."""
    assert scan(source) == scan_with_parser(source)
    assert scan(source).lines == source.count(b"\n") + (not source.endswith(b"\n"))


_LINE_PARTS = st.sampled_from(
    [
        b"# -*- coding: latin-1 -*-",
        b"# coding=utf-8",
        b"#!python",
        b"# vim: fileencoding=cp1252",
        b"import a",
        b"x = '\xc3\xa9'",
        b"s = '\xe9'",
        b"\xef\xbb\xbf",
        b"\r",
        b"",
        b"coding",
    ]
)


@given(st.lists(st.one_of(_LINE_PARTS, st.binary(max_size=6)), max_size=5))
@settings(max_examples=400)
def test_the_utf8_fast_path_decodes_as_the_declared_encoding_path(parts: list[bytes]) -> None:
    """Without a BOM or a coding cookie on the first two lines a file is decoded as UTF-8
    directly; whatever the bytes, the result (text or error) is the general path's."""
    source = b"\n".join(parts).replace(b"\0", b"")
    assert _decode(source, _mentions_coding(source)) == _decode_declared(source)


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        # libcst's "error at L:C": the furthest token it reached
        (b"x = 1\ny = = 2\n", 2, 7),
        (b"x = 1\n  y = 2\n", 2, 3),
        (b"x = 1\nprint 'a', b\n", 2, 10),
        # libcst stopped at the end of the file: CPython's position on libcst's raw line
        (b"import a\ndef broken(:\n", 2, 12),
        (b"import a\nimport (\n", 2, 8),
        (b"type X = int\ndef f(:\n", 2, 1),  # ast failed elsewhere (3.12 syntax): raw line
        # tokenizer errors carry no position in libcst: CPython's
        (b"x = 1\ns = 'abc\n", 2, 5),
        (b"x = (1,\n  2))\n", 2, 5),
    ],
)
def test_syntax_error_location(source: bytes, line: int, column: int) -> None:
    problem = error(source)
    assert (problem.line, problem.column) == (line, column)
    assert problem.message.startswith("syntax error: ")
    assert "\n" not in problem.message


def test_python_312_syntax_unknown_to_ast_is_scanned_by_libcst() -> None:
    source = """\
        type X = int
        class C[T]:
            import os
            def m[U](self) -> None:
                from . import x
        s = f"{d["key"]}"; import json
        if TYPE_CHECKING:
            import a
        """
    assert rows(source) == [
        (3, 5, "os", None, 0, TOP),
        (5, 9, "", "x", 1, FUNC),
        (6, 20, "json", None, 0, TOP),
        (8, 5, "a", None, 0, TC),
    ]


# --- deep nesting: libcst's native parser would kill the process ------------------------------

DEEP = {
    "parens": "b'(' * 5000 + b')' * 5000",
    "lists": "b'x = ' + b'[' * 5000 + b']' * 5000",
    "unary": "b'x = ' + b'-' * 100_000 + b'1'",
    "not": "b'x = ' + b'not ' * 50_000 + b'1'",
    "ifs": "b''.join(b' ' * i + b'if x:\\n' for i in range(3000)) + b' ' * 3000 + b'pass\\n'",
    "generic": "b'class C[T]:\\n    x = ' + b'(' * 5000 + b')' * 5000 + b'\\n'",
    "generic_unary": "b'type X = int\\nx = ' + b'-' * 100_000 + b'1\\n'",
    "and": "b'x = ' + b' and '.join([b'a'] * 20_000)",  # ast accepts this one
    "dotted": "b'import a' + b'.b' * 10_000",  # and this one
    "fstring": "b'x = ' + b'f\"{' * 3000 + b'1' + b'}\"' * 3000",  # PEP 701 nesting
    "elifs": "b'type X = int\\nif a: pass\\n' + b'elif a: pass\\n' * 10_000",
}


def no_core_dump() -> None:
    if sys.platform != "win32":
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=no_core_dump if sys.platform != "win32" else None,
    )


def test_deep_nesting_is_refused_without_crashing() -> None:
    # One child process for all inputs (fast); it names each input before scanning it, so a
    # crash points at the culprit.
    # Both paths: `scan` (ast first, libcst for what ast cannot parse) and the libcst reference.
    lines = [
        "from archlint.parse import _decode, _decode_declared, _mentions_coding, scan, scan_with_libcst, scan_with_parser"
    ]
    for name, expr in DEEP.items():
        for function in ("scan", "scan_with_parser", "scan_with_libcst"):
            lines.append(f"print('{function} {name}', end=': ', flush=True)")
            lines.append(f"r = {function}({expr})")
            lines.append("print(r.error.message if r.error else 'ok', flush=True)")
    done = run("\n".join(lines))
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr[-500:])
    results = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert len(results) == 3 * len(DEEP)
    # ast parses these two fine, and the parser path needs no libcst for them; the lexical
    # scanner reads these without any parser
    fine = {"scan_with_parser and", "scan_with_parser dotted"}
    fine |= {f"scan {name}" for name in DEEP}
    for name, message in results.items():
        if name in fine:
            assert message == "ok", (name, message)
        else:
            assert message.startswith("nesting too deep to parse safely (depth "), (name, message)


def test_the_guard_is_needed_libcst_alone_crashes() -> None:
    done = run(f"import libcst\nlibcst.parse_module(({DEEP['parens']}).decode())")
    if done.returncode >= 0:
        pytest.skip(f"this libcst no longer crashes on deep nesting (exit {done.returncode})")
    assert done.returncode < 0  # killed by a signal (stack overflow)


def test_the_lexical_scanner_reads_deep_nesting_without_a_parser() -> None:
    source = b"import a\n" + b"x = " + b"(" * 5000 + b")" * 5000 + b"\nimport b\n"
    assert [i.module for i in scan(source).imports] == ["a", "b"]


def test_deep_nesting_position() -> None:
    nested = b"".join(b"    " * i + b"if x:\n" for i in range(150)) + b"    " * 150 + b"pass\n"
    problem = error(b"import a\n" + nested)
    assert problem.line == 102  # where the estimated depth first passes the limit
    assert problem.message.startswith("nesting too deep to parse safely (depth ")


def test_ast_accepted_but_too_deep_for_libcst() -> None:
    # ``and`` chains are flat in CPython's ast but nested in libcst: the libcst path counts and
    # refuses them in-process; the fast path scans them from ast without libcst.
    source = b"import a\nx = " + b" and ".join([b"a"] * 600) + b"\n"
    problem = scan_with_libcst(source).error
    assert problem == ScanError(2, 1, "nesting too deep to parse safely (depth 603)")
    assert rows(source) == [(1, 1, "a", None, 0, TOP)]
    assert rows(b"x = " + b" and ".join([b"a"] * 300) + b"\nimport a\n") == [
        (2, 1, "a", None, 0, TOP)
    ]


def test_moderate_nesting_is_still_scanned() -> None:
    limit = sys.getrecursionlimit()
    source = b"x = " + b"(" * 90 + b"__import__('a')" + b")" * 90 + b"\ny = " + b"-" * 300 + b"1\n"
    assert rows(source) == [(1, 95, "a", None, 0, DYN)]
    assert rows(b"x = " + b"[" * 150 + b"]" * 150 + b"\nimport a\n") == [(2, 1, "a", None, 0, TOP)]
    assert rows(b"type X = int\nx = " + b"[" * 60 + b"]" * 60 + b"\nimport a\n") == [
        (3, 1, "a", None, 0, TOP)
    ]
    assert sys.getrecursionlimit() == limit  # raised only while libcst runs


def test_long_implicit_string_concatenation_is_scanned() -> None:
    # Like CPython's Lib/pydoc_data/topics.py (libcst issue #1178: RecursionError by default).
    source = b"x = (\n" + b"    'text'\n" * 2500 + b")\nimport a\n"
    assert rows(source) == [(2503, 1, "a", None, 0, TOP)]


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=120) | st.text(alphabet="([{}])'\"#\\\n\r\t :=.-+fimportas_", max_size=120)
)
def test_never_raises(data: bytes | str) -> None:
    result = scan(data.encode() if isinstance(data, str) else data)
    assert result.error is None or (result.error.line >= 1 and result.error.column >= 1)


# --- property: generated import statements round-trip ----------------------------------------

identifiers = st.from_regex(r"[a-z_][a-z0-9_]{0,5}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s)
)
dotted = st.lists(identifiers, min_size=1, max_size=3).map(".".join)
aliases = st.none() | identifiers


@st.composite
def statements(draw: st.DrawFn) -> tuple[str, list[tuple[str, str | None, int]]]:
    if draw(st.booleans()):
        targets = draw(st.lists(st.tuples(dotted, aliases), min_size=1, max_size=3))
        text = ", ".join(m + (f" as {a}" if a else "") for m, a in targets)
        return f"import {text}", [(m, None, 0) for m, _ in targets]
    level = draw(st.integers(0, 3))
    module = draw(dotted) if level == 0 else draw(st.none() | dotted)
    names = draw(st.lists(st.tuples(identifiers, aliases), min_size=1, max_size=3))
    text = ", ".join(n + (f" as {a}" if a else "") for n, a in names)
    if draw(st.booleans()):
        text = f"(\n    {text},\n)"
    head = "." * level + (module or "")
    return f"from {head} import {text}", [(module or "", n, level) for n, _ in names]


@settings(max_examples=50, deadline=None)
@given(st.lists(statements(), max_size=8))
def test_generated_imports_round_trip(
    generated: list[tuple[str, list[tuple[str, str | None, int]]]],
) -> None:
    source, expected, line = "", [], 1
    for text, targets in generated:
        expected += [RawImport(line, 1, m, n, lvl, ImportKind.TOP_LEVEL) for m, n, lvl in targets]
        source += text + "\n"
        line += text.count("\n") + 1
    assert scan(source.encode()) == FileScan(tuple(sorted(expected)), lines=line - 1)


@pytest.mark.parametrize(
    "source",
    [
        b"import None\n",
        b"from x import (True)\n",
        b"import a as if\n",
        b"import a.if.b\n",
        b"from x.class import y\n",
        b"import as\n",
        b"from x import as\n",
        b"def f():\n    import a as as\n",
        b"from x import a, \\\n    None\n",
        b"from x import (a,\x0bb)\n",  # a vertical tab is no whitespace to Python
    ],
)
def test_keywords_as_names_are_malformed_imports(source: bytes) -> None:
    """The lexical scanner's patterns accept any identifier; a hard keyword in a name's place
    makes the statement a syntax error, which must be reported (ARC001), not read."""
    found = scan(source)
    assert found.error is not None
    assert found == scan_with_parser(source)


@pytest.mark.parametrize(
    "source", [b"from x import match, case, type, _\n", b"import if_, a.nonlocal_thing\n"]
)
def test_soft_keywords_and_keyword_like_names_are_names(source: bytes) -> None:
    found = scan(source)
    assert found.error is None and found.imports
    assert found == scan_with_parser(source)
