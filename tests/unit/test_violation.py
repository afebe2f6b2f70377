"""Violation is a hand-written immutable value: what a frozen dataclass gave must still hold."""

from __future__ import annotations

import copy
import pickle

import pytest

from archlint.model import Import, ImportKind, Violation, make_violation

LINK = Import("a", "b", "a.py", 3, 1, ImportKind.TOP_LEVEL)
VIOLATION = Violation("ARC101", "a imports b", "a", "b", (LINK,), "a.py", 3, 1, "0123abcd")


def test_equality_and_hash_leave_the_fingerprint_out() -> None:
    other = VIOLATION.replace(fingerprint="ffff")
    assert other == VIOLATION
    assert hash(other) == hash(VIOLATION)
    assert VIOLATION.replace(line=4) != VIOLATION
    assert VIOLATION != ("ARC101", "a imports b")  # never equal to a tuple of its fields


def test_it_is_immutable() -> None:
    with pytest.raises(AttributeError, match="immutable"):
        VIOLATION.line = 5  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del VIOLATION.path  # type: ignore[misc]


def test_replace_copies_with_changes_and_refuses_unknown_fields() -> None:
    moved = VIOLATION.replace(path="b.py", line=1)
    assert (moved.path, moved.line, moved.fingerprint) == ("b.py", 1, "0123abcd")
    assert (VIOLATION.path, VIOLATION.line) == ("a.py", 3)
    with pytest.raises(TypeError, match="no field 'lines'"):
        VIOLATION.replace(lines=1)


def test_pickle_copy_repr_and_match() -> None:
    for clone in (pickle.loads(pickle.dumps(VIOLATION)), copy.copy(VIOLATION)):
        assert clone == VIOLATION
        assert clone.fingerprint == "0123abcd"
    assert repr(VIOLATION).startswith("Violation(code='ARC101', message='a imports b', ")
    match VIOLATION:
        case Violation(code, _, importer):
            assert (code, importer) == ("ARC101", "a")
        case _:
            pytest.fail("no match")


def test_fingerprints_stay_what_they_were() -> None:
    """Baselines will match violations by fingerprint: the hash of the code, the contract and
    the chain's modules must not change with how make_violation is written (values pinned)."""
    chain = (LINK, Import("b", "c", "b.py", 5, 2, ImportKind.TOP_LEVEL))
    found = make_violation("ARC101", "m", "layers", chain)
    assert (found.fingerprint, found.importer, found.imported) == ("476c6bd4c0416cc6", "a", "c")
    assert (found.path, found.line, found.column) == ("a.py", 3, 1)
    alone = make_violation("ARC103", "m", "layers", (), importer="x", imported="y")
    assert (alone.fingerprint, alone.path, alone.line) == ("d414eb1702b2a2f0", "", 0)
    named = make_violation("ARC101", "m", "layers", chain, importer="z", imported="w")
    assert (named.importer, named.imported, named.fingerprint) == ("z", "w", "fc8d1d52ae246bf9")
