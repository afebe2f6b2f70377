"""The lexical scanner: exactly the ``ast`` scanner's result, or ``None`` (hand the file over).

Each case here is a trap for a scanner that reads text instead of a tree. The differential
tests (tests/differential) prove the same on the standard library and real packages."""

from __future__ import annotations

import ast
import textwrap
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archlint.ast_scan import scan_tree
from archlint.lexical_scan import scan_imports
from archlint.model import ImportKind
from archlint.parse import scan, scan_with_libcst


def reference(text: str) -> tuple[object, ...]:
    return scan_tree(ast.parse(text), text)


def lexical(source: str) -> list[tuple[int, int, str, str | None, int, str]]:
    text = textwrap.dedent(source)
    result = scan_imports(text)
    assert result is not None, "handed over to the parser"
    assert result == reference(text)
    return [(i.line, i.column, i.module, i.name, i.level, i.kind.value) for i in result]


TOP, FUNC, TC, OPT = "top-level", "function", "type-checking", "optional"


def test_statement_forms() -> None:
    assert lexical(
        """\
        import a.b as c, d
        from . import x
        from .import y
        from ..p import (q,  # a comment (with parentheses)
            r as s,
        )
        from m import *
        from  a . b  import  c
        import e; x = 1
        """
    ) == [
        (1, 1, "a.b", None, 0, TOP),
        (1, 1, "d", None, 0, TOP),
        (2, 1, "", "x", 1, TOP),
        (3, 1, "", "y", 1, TOP),
        (4, 1, "p", "q", 2, TOP),
        (4, 1, "p", "r", 2, TOP),
        (7, 1, "m", "*", 0, TOP),
        (8, 1, "a.b", "c", 0, TOP),
        (9, 1, "e", None, 0, TOP),
    ]


def test_words_that_are_not_imports() -> None:
    assert lexical(
        '''\
        """A docstring that says
        import nothing
        from here import nothing
        """
        x = "import os"  # import sys
        reimport = import_it = 1
        s = \'\'\'
        import in_a_string\'\'\' ; t = "\'\'\'"
        # a comment ending in a backslash \\
        import real
        u = 'continued \\
        import not_code'
        def f():
            yield from g()
            raise E from None
        '''
    ) == [(10, 1, "real", None, 0, TOP)]


def test_kinds_from_blocks() -> None:
    assert lexical(
        """\
        import top
        def f(
            a,
            b,
        ):
            import in_def
            class K:
                import in_class_in_def
        class C:
            import in_class
            async def g(self):
                import in_async
        if TYPE_CHECKING:
            import tc
        elif typing.TYPE_CHECKING:
            import tc_elif
        else:
            import runtime_else
        if not TYPE_CHECKING:
            import runtime
        elif x:
            import tc_after_not
        else:
            import tc_else_after_not
        if (
            x
        ):
            import plain_if
        try:
            import opt
        except (ValueError,
                ImportError):
            import handler
        else:
            import try_else
        finally:
            import final
        try:
            import not_opt
        except ValueError: pass
        for x in y:
            import loop
        else:
            import loop_else
        with a:
            if TYPE_CHECKING:
                def h():
                    try:
                        import deepest
                    except:
                        pass
        """
    ) == [
        (1, 1, "top", None, 0, TOP),
        (6, 5, "in_def", None, 0, FUNC),
        (8, 9, "in_class_in_def", None, 0, FUNC),
        (10, 5, "in_class", None, 0, TOP),
        (12, 9, "in_async", None, 0, FUNC),
        (14, 5, "tc", None, 0, TC),
        (16, 5, "tc_elif", None, 0, TC),
        (18, 5, "runtime_else", None, 0, TOP),
        (20, 5, "runtime", None, 0, TOP),
        (22, 5, "tc_after_not", None, 0, TC),
        (24, 5, "tc_else_after_not", None, 0, TC),
        (28, 5, "plain_if", None, 0, TOP),
        (30, 5, "opt", None, 0, OPT),
        (33, 5, "handler", None, 0, TOP),
        (35, 5, "try_else", None, 0, TOP),
        (37, 5, "final", None, 0, TOP),
        (39, 5, "not_opt", None, 0, TOP),
        (42, 5, "loop", None, 0, TOP),
        (44, 5, "loop_else", None, 0, TOP),
        (49, 17, "deepest", None, 0, TC),
    ]


def test_positions_count_characters_and_crlf() -> None:
    text = "s = 'é'\r\nif x:\r\n    import a\r\n"
    assert scan_imports(text) == reference(text)
    assert [(i.line, i.column) for i in scan_imports(text) or ()] == [(3, 5)]


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n\tif x:\n\t\timport nested_tabs\n",
        "def f():\n    if x:\n\timport tab_under_spaces\n",
        "if x:\n \timport space_then_tab\n",
        "def f():\n\x0c    import after_form_feed\n",
        "s = 'a'\rimport lone_cr\n",
        "import importlib\nimportlib.import_module('x')\n",
        "m = __import__('x')\n",
        "import importlib as il\n",
        "from importlib import import_module as im\n",
        "from importlib import *\n",
        "from importlib import import_module\nm = import_module(name='x')\n",
        "import importlib\nm = importlib.import_module(\n    'x')\n",
        "m = __import__(name='x')\n",
        "m = __import__(  r'x')\n",
        "if TYPE_CHECKING: import same_line\n",
        "import a; import b\n",
        "x = 1; \\\nimport continued\n",
        "from a.b \\\n    import c\n",
        "s = '''never closed\nimport x\n",
        "s = f'''{d['''k''']}'''  # 3.12\nimport x\n",
        "from a import (b\n",
        "import a b\n",
        "from a import b,\n",
        "from é import x\n",
        "if (TYPE_CHECKING):\n    import t\n",
        "try:\n    import a\nexcept (ValueError, (ImportError,)):\n    pass\n",
        "def f():\n    x = g(\n1)\n    import under_a_continuation\n",
        "import importlib\nimportlib.import_module('a' + 'b')\n",
        "import importlib\nimportlib.import_module('a' 'b' % x)\n",
        "import importlib\nimportlib.import_module('a', __name__)\n",
        "import importlib\nimportlib.import_module('''a''' % x)\n",
        "m = __import__('x' , {})\n",
        "from abc import abstractmethod\nclass A:\n\t@abstractmethod\n\tdef f(self): pass\n",
    ],
)
def test_unusual_files_go_to_the_parser(source: str) -> None:
    assert scan_imports(source) is None
    data = source.encode()
    assert scan(data) == scan_with_libcst(data)


@pytest.mark.parametrize(
    "source",
    [
        "if x:\n    pass\n\x0c\nimport after_form_feed\n",
        "m = __import__(module_name, fromlist=['x'])\nimport a\n",
        "m = __import__(a == b)\nx = builtins.__import__('not_the_builtin')\n",
        "s = '__import__(\"in a string\")'  # __import__('in a comment')\nimport a\n",
        "from sympy.external import import_module\nnp = import_module('numpy')\n",
        "from importlib import import_module\nm = import_module(path)\n",
        "import importlib\nm = importlib.import_module(name, package)\nx = my_import_module('y')\n",
        "x = 1\t# a tab after code\nif y:\n    import a\n",
        "import importlib\nm = importlib.import_module('%s.base' % name)\n",
        'import importlib\nm = importlib.import_module( "%s.%s" %(a, b))\n',
        "import importlib\nm = importlib.import_module('.'.join(parts))\n",
        "m = __import__('x.%s' % y)\nimport a\n",
        # tab-indented lines the searches for blocks and handlers must skip, not stop at
        "try:\n    import a\nexcept ValueError:\n\tpass\nexcept ImportError:\n\tpass\n",
        "if x:\n    import a\nelse:\n\tpass\n",
        "def f():\n    x = 1\n\t\n    import a\n",
        "def f():\n    x = 1\n  \t# a comment\n    import a\n",
        # one tab under a header at column 0 (as generated parsers write version checks)
        "if x:\n\timport tabs\n",
        "import sys\nif sys.version_info > (3,):\n\tfrom typing import T\nelse:\n\tfrom t import T\n",
        "def f():\n\tx = 1\n\tfrom . import a\n",
        "try:\n\timport a\nexcept ImportError:\n\tpass\n",
    ],
)
def test_near_misses_are_read_without_a_parser(source: str) -> None:
    result = scan_imports(source)
    assert result is not None
    assert result == reference(source)
    data = source.encode()
    assert scan(data) == scan_with_libcst(data)


def test_no_quadratic_search_but_a_fallback() -> None:
    # 3,000 "import" words in strings on one line: reading the line again for each would be
    # quadratic; the budget sends the file to the parser instead
    text = "x = [" + ", ".join(['"import a"'] * 3000) + "]\nimport b\n"
    started = time.perf_counter()
    assert scan_imports(text) is None
    assert time.perf_counter() - started < 5  # generous: it is a hang guard, not a benchmark
    assert [i.module for i in scan(text.encode()).imports] == ["b"]


def test_a_class_of_many_methods_stays_linear() -> None:
    methods = "".join(f"    def m{i}(self):\n        import mod{i}\n" for i in range(3000))
    text = "class C:\n" + methods
    result = scan_imports(text)
    assert result is not None and len(result) == 3000
    assert {i.kind for i in result} == {ImportKind.FUNCTION}


HEADERS = [
    "def f():",
    "async def g():",
    "class K:",
    "if TYPE_CHECKING:",
    "if not TYPE_CHECKING:",
    "if typing.TYPE_CHECKING:",
    "if x:",
    "try:",
    "with a:",
    "for x in y:",
    "while x:",
    "def long(\n    a,\n):",
]
AFTER = {
    "if TYPE_CHECKING:": ["else:", "elif x:"],
    "if not TYPE_CHECKING:": ["else:", "elif TYPE_CHECKING:"],
    "if x:": ["else:", "elif TYPE_CHECKING:"],
    "try:": [
        "except ImportError:",
        "except (ValueError, KeyError):",
        "finally:",
        "except: x = 1",
        "except ValueError:\n\tpass\nexcept ImportError:",  # a handler indented by a tab
    ],
    "for x in y:": ["else:"],
}
BODIES = [
    "import a",
    "from . import (b,\n    c)",
    "from .p import (\n    f,\n    g as h,\n)",
    "from .q import(i)",
    "x = '''\nimport not_code\n'''",
    "y = (1,\n    2)",
    "# import comment",
    "from .m import d as e",
    "x = 1\n\t\n \t# blank and comment lines indented with tabs",
]


@st.composite
def programs(draw: st.DrawFn) -> str:
    def block(depth: int) -> list[str]:
        lines: list[str] = []
        for _ in range(draw(st.integers(1, 3))):
            if depth < 4 and draw(st.booleans()):
                header = draw(st.sampled_from(HEADERS))
                lines += header.splitlines()
                unit = draw(st.sampled_from(["    ", "\t"]))  # each block its own
                lines += [unit + line for line in block(depth + 1)]
                follow = AFTER.get(header, [])
                if follow and draw(st.booleans()):
                    clause = draw(st.sampled_from(follow))
                    lines.append(clause)
                    if not clause.endswith("= 1"):
                        unit = draw(st.sampled_from(["    ", "\t"]))
                        lines += [unit + line for line in block(depth + 1)]
                elif header == "try:":
                    lines += ["except ValueError:", draw(st.sampled_from(["    ", "\t"])) + "pass"]
            else:
                lines += draw(st.sampled_from(BODIES)).splitlines()
        return lines

    return "\n".join(block(0)) + "\n"


@settings(max_examples=300, deadline=None)
@given(programs())
def test_generated_programs(text: str) -> None:
    # multi-line strings indented by a block carry their indentation into the string: still valid
    try:
        expected = reference(text)
    except SyntaxError:
        return
    result = scan_imports(text)
    assert result is None or result == expected


def test_typical_programs_are_read_without_a_parser() -> None:
    # the property above must not pass by handing everything over
    read = 0
    sample = [
        "def f():\n    import a\n    if TYPE_CHECKING:\n        from . import b\n",
        "try:\n    import a\nexcept ImportError:\n    a = None\n",
        "class C:\n    def m(\n        self,\n    ):\n        import x\n",
    ]
    for text in sample:
        read += scan_imports(text) is not None
    assert read == len(sample)


CLASS_SOURCES = [
    "class A:\n    pass\n",
    "import abc\nclass A(abc.ABC):\n    pass\nclass B(metaclass=abc.ABCMeta): pass\n",
    "from typing import Protocol, Generic\nclass P(Protocol[T], Generic[T]):\n    x: int\n",
    "class M(\n    Base,\n    metaclass=ABCMeta,\n):\n    pass\n",
    "class C:\n    @abstractmethod\n    def f(self): ...\n    @property\n    @abc.abstractmethod\n    def g(self): ...\n",
    "class D:\n    if x:\n        @abstractmethod\n        def f(self): ...\n    def g(self):\n        @abstractmethod\n        def h(): ...\n",
    "class E:\n    @abstractmethod\n    class Inner: pass\n",
    '"""class Doc(ABC): in a docstring"""\nclass F(ABC if x else object): pass\nclass G(*bases): pass\n',
    "def f():\n    class Local(ABC):\n        pass\n    return Local\n",
    "class H(Base, **options):\n    @abstractmethod  # why not\n    async def run(self): ...\n",
]


@pytest.mark.parametrize("source", CLASS_SOURCES)
def test_classes_and_abstract_classes(source: str) -> None:
    from archlint.ast_scan import count_classes
    from archlint.lexical_scan import scan_lexically

    found = scan_lexically(source)
    assert found is not None
    tree = ast.parse(source)
    assert found[1:3] == count_classes(tree)
    assert found[3] == source.count("\n")
    data = source.encode()
    assert scan(data) == scan_with_libcst(data)


def test_abstract_class_counts_by_hand() -> None:
    from archlint.lexical_scan import scan_lexically

    counts = [(found or ((), -1, -1))[1:3] for found in map(scan_lexically, CLASS_SOURCES)]
    assert counts == [
        (1, 0),
        (2, 2),
        (1, 1),
        (1, 1),
        (1, 1),
        (1, 0),
        (2, 0),
        (2, 0),
        (1, 1),
        (1, 1),
    ]
