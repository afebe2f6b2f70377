"""The fast scan paths (the lexical scanner, then CPython's ``ast`` for what it hands over)
must give exactly what libcst, the reference, gives: same imports, positions and kinds. Checked on a deterministic sample of this machine's standard
library and on every file of the packages fetched for the grimp comparison, plus generated
sources. A difference is a bug in ``lexical_scan.py`` or ``ast_scan.py``."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archlint.lexical_scan import scan_imports
from archlint.parse import scan, scan_with_libcst

STDLIB = Path(sysconfig.get_paths()["stdlib"])
# libcst is the slow side of this test: CI checks every 10th file of the standard library;
# ARCHLINT_FULL_DIFFERENTIAL=1 checks all of it.
SAMPLE_EVERY = 1 if os.environ.get("ARCHLINT_FULL_DIFFERENTIAL") else 10


def stdlib_sample() -> list[Path]:
    files = sorted(
        p for p in STDLIB.rglob("*.py") if "site-packages" not in p.parts and p.is_file()
    )
    return files[::SAMPLE_EVERY]


def differences(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes()
        fast, reference = scan(data), scan_with_libcst(data)
        if reference.error is None and fast != reference:
            found.append(f"{path}: {sorted(set(fast.imports) ^ set(reference.imports))[:3]}")
    return found


def test_standard_library_sample() -> None:
    paths = stdlib_sample()
    assert len(paths) > 150
    assert differences(paths) == []


def test_the_lexical_scanner_reads_most_files() -> None:
    # the comparisons exercise the lexical scanner only on the files it does not hand over
    texts = []
    for path in stdlib_sample():
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, SyntaxError):
            continue
    handed_over = [text for text in texts if scan_imports(text) is None]
    assert len(handed_over) < len(texts) * 0.1, (len(handed_over), len(texts))


def test_real_packages(site: Path) -> None:
    paths = sorted(site.rglob("*.py"))
    assert len(paths) > 100
    assert differences(paths) == []


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest) -> Path:
    from tests.differential.test_against_grimp import download

    return download(request.getfixturevalue("tmp_path_factory"))


FRAGMENTS = [
    "import a.b as c",
    "from . import x",
    "from ..p import (q,\n    r)",
    "from m import *",
    "import importlib\nimportlib.import_module('x.y')",
    "from importlib import import_module as im\nim('.z', package=__name__)",
    "__import__('w' + '.v', fromlist=['u'])",
    "x = 'é'; import unicode_after",
    "if TYPE_CHECKING:\n    import t\nelse:\n    import u",
    "if not TYPE_CHECKING:\n    import nt\nelse:\n    import tc",
    "try:\n    import o\nexcept (ValueError, ImportError):\n    import p\nfinally:\n    import q",
    "def f(a=__import__('d')):\n    import inner\n    lambda: __import__('lam')",
    "@decorate(__import__('dec'))\nclass K(__import__('base').B):\n    import in_class",
    "async def g():\n    async with a:\n        from . import aw",
    "if x:\n    pass\nelif typing.TYPE_CHECKING:\n    import el",
    "while True:\n    import loop; import semi",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6), st.integers(0, 2))
def test_generated_sources(fragments: list[str], indent_depth: int) -> None:
    body = "\n".join(fragments)
    if indent_depth:
        prefix = "    " * indent_depth
        head = "".join(
            "    " * i + ("def f():\n" if i % 2 == 0 else "if c:\n") for i in range(indent_depth)
        )
        body = head + "\n".join(prefix + line for line in body.splitlines())
    data = (body + "\n").encode()
    assert scan(data) == scan_with_libcst(data)
