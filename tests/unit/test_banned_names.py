"""Banned names: validation, matching, and libcst's qualified names with aliases and shadowing."""

from __future__ import annotations

import pytest

from archlint.banned_names import banned_matches, search_word, valid_banned_name
from archlint.model import NameUse
from archlint.qualified_names import banned_uses


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("os.environ", True),
        ("subprocess.*", True),
        ("eval", True),
        ("_private.name_2", True),
        ("", False),
        ("os..environ", False),
        ("os.*.x", False),
        ("*", False),
        ("os.environ ", False),
        ("2fa.check", False),
    ],
)
def test_valid_banned_name(text: str, valid: bool) -> None:
    assert valid_banned_name(text) is valid


def test_matching_and_search_words() -> None:
    assert banned_matches("os.environ", "os.environ")
    assert not banned_matches("os.environ", "os.environb")
    assert not banned_matches("os.environ", "os.environ.get")
    assert banned_matches("subprocess.*", "subprocess.run")
    assert not banned_matches("subprocess.*", "subprocess")
    assert not banned_matches("subprocess.*", "subprocessing.run")
    assert [search_word(e) for e in ("os.environ", "subprocess.*", "eval")] == [
        "environ",
        "subprocess",
        "eval",
    ]


def test_aliases_and_nested_attributes_but_not_star_imports() -> None:
    # libcst cannot know what `from os import *` binds: `environ` (column 10) is not followed
    source = (
        "import os, os.path as p\n"
        "from os import *\n"
        "from os import environ as env\n"
        "x = env, environ, os.environ.get('A'), p.join\n"
    )
    assert banned_uses(source, ["os.environ", "os.path.join"]) == (
        NameUse(4, 5, "os.environ"),
        NameUse(4, 19, "os.environ"),
        NameUse(4, 40, "os.path.join"),
    )


def test_shadowed_builtins_and_imports_are_not_uses() -> None:
    source = (
        "from pickle import loads\n"
        "class Printer:\n"
        "    def print(self, eval):\n"
        "        return eval\n"
        "def show(print=print):\n"
        "    print(1)\n"
    )
    assert banned_uses(source, ["print", "eval", "pickle.loads"]) == (NameUse(5, 16, "print"),)


def test_unparsable_source_has_no_uses() -> None:
    assert banned_uses("def broken(:\n    eval('1')\n", ["eval"]) == ()
