"""Frozen values shared by every layer of archlint.

Nothing in here does I/O. Every other module speaks in these types. Most are named tuples:
built, hashed and sorted in C, and a named tuple class costs a fraction of a frozen dataclass
to create, which every run pays at start-up. Violation is a class of its own (its fingerprint
is left out of comparisons).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import Enum
from operator import itemgetter
from types import MappingProxyType
from typing import Any, NamedTuple

# the default of mapping fields of named tuples: shared, so it must never change
EMPTY: Mapping[Any, Any] = MappingProxyType({})


class ImportKind(str, Enum):
    """When an import runs, as far as static analysis can tell.

    One import has exactly one kind. When several apply, the first of this order wins:
    ``dynamic`` (a call), ``type-checking``, ``function``, ``optional``, ``top-level``.
    """

    TOP_LEVEL = "top-level"
    FUNCTION = "function"
    TYPE_CHECKING = "type-checking"
    OPTIONAL = "optional"
    DYNAMIC = "dynamic"

    def __str__(self) -> str:
        return self.value


ALL_KINDS: frozenset[ImportKind] = frozenset(ImportKind)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class RawImport(NamedTuple):
    """One imported target as written in a file, before resolution.

    ``import a.b, c``            -> RawImport("a.b", None, 0, ...), RawImport("c", None, 0, ...)
    ``from a import b, c``       -> RawImport("a", "b", 0, ...), RawImport("a", "c", 0, ...)
    ``from . import x``          -> RawImport("", "x", 1, ...)
    ``from ..a import *``        -> RawImport("a", "*", 2, ...)
    ``importlib.import_module("a.b")``            -> RawImport("a.b", None, 0, kind=DYNAMIC)
    ``import_module(".x", package=__name__)``     -> RawImport("x", None, 1, kind=DYNAMIC)

    ``line`` and ``column`` are 1-based and point at the start of the statement
    (the ``import``/``from`` keyword) or of the call for dynamic imports.

    A named tuple, not a dataclass: hundreds of thousands are built per run, and a frozen
    dataclass costs several times more to build, hash and sort. Order is the field order.
    """

    line: int
    column: int
    module: str
    name: str | None
    level: int
    kind: ImportKind


class ScanError(NamedTuple):
    """Why a file could not be scanned. 1-based position; column 1 if unknown."""

    line: int
    column: int
    message: str


class FileScan(NamedTuple):
    """Everything archlint learns from one file's bytes. A pure function of those bytes."""

    imports: tuple[RawImport, ...] = ()
    lines: int = 0
    error: ScanError | None = None
    # class statements, and those that are abstract: an ``ABC`` or ``Protocol`` base, an
    # ``ABCMeta`` metaclass, or a method decorated ``abstractmethod`` in the class's own body
    classes: int = 0
    abstract_classes: int = 0


class Module(NamedTuple):
    """A module of the analysed project, or an external (squashed) top-level module."""

    name: str
    path: str | None = None  # posix path relative to the project root; None for externals
    is_package: bool = False
    external: bool = False
    stdlib: bool = False


class Import(NamedTuple):
    """A resolved import: one edge of the graph with where it is written and its kind.

    A named tuple for the same reason as ``RawImport``; ordered by its fields."""

    importer: str
    imported: str
    path: str
    line: int
    column: int
    kind: ImportKind


class NameUse(NamedTuple):
    """A use of a qualified name in a module's code (``os.environ``, ``print`` for builtins),
    followed through aliases. 1-based ``line`` and ``column`` of the expression."""

    line: int
    column: int
    name: str


class Diagnostic(NamedTuple):
    """A problem with the input rather than with the architecture (unreadable file, bad import)."""

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR


_IMPORTED = itemgetter(1)  # ``Import.imported``, for ``map``


class Violation:
    """A broken rule. ``chain`` is the import path that causes it (one link for a direct import).

    Immutable; equal (and hashed alike) when every field but ``fingerprint`` is. Written out by
    hand: a frozen dataclass cost every run the import of ``dataclasses`` (with ``inspect``)
    and the compilation of its methods."""

    __slots__ = __match_args__ = (
        "code",
        "message",
        "importer",
        "imported",
        "chain",
        "path",
        "line",
        "column",
        "fingerprint",
    )

    code: str
    message: str
    importer: str
    imported: str
    chain: tuple[Import, ...]
    path: str
    line: int
    column: int
    fingerprint: str

    def __init__(
        self,
        code: str,
        message: str,
        importer: str,
        imported: str,
        chain: tuple[Import, ...],
        path: str = "",
        line: int = 0,
        column: int = 0,
        fingerprint: str = "",
    ) -> None:
        init = object.__setattr__  # field by field, unrolled: thousands are built per run
        init(self, "code", code)
        init(self, "message", message)
        init(self, "importer", importer)
        init(self, "imported", imported)
        init(self, "chain", chain)
        init(self, "path", path)
        init(self, "line", line)
        init(self, "column", column)
        init(self, "fingerprint", fingerprint)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field '{name}': a Violation is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}': a Violation is immutable")

    def _compared(self) -> tuple[object, ...]:
        return (
            self.code,
            self.message,
            self.importer,
            self.imported,
            self.chain,
            self.path,
            self.line,
            self.column,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Violation)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Violation({fields})"

    def replace(self, **changes: object) -> Violation:
        """A copy with ``changes`` (field name -> value)."""
        unknown = set(changes) - set(self.__slots__)
        if unknown:
            raise TypeError(f"Violation has no field {sorted(unknown)[0]!r}")
        return Violation(*self._values(changes))  # type: ignore[arg-type]

    def _values(self, changes: dict[str, object]) -> list[object]:
        return [changes.get(name, getattr(self, name)) for name in self.__slots__]

    def __reduce__(self) -> tuple[type[Violation], tuple[object, ...]]:
        return Violation, tuple(self._values({}))  # pickle and copy through __init__

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, str, tuple[str, ...]]:
        return (
            self.path,
            self.line,
            self.column,
            self.code,
            self.importer,
            self.imported,
            tuple(map(_IMPORTED, self.chain)),
        )


def make_violation(
    code: str,
    message: str,
    contract: str,
    chain: tuple[Import, ...],
    importer: str = "",
    imported: str = "",
) -> Violation:
    """Build a violation located at the first link of its chain, with a fingerprint that
    ignores line numbers.

    The fingerprint hashes the code, the contract name and the modules of the chain (never line
    numbers), so that it survives unrelated edits: baselines will rely on it.
    """
    if not chain:
        modules = "\x1f".join([code, contract, importer, imported])
        digest = hashlib.sha256(modules.encode()).hexdigest()[:16]
        return Violation(code, message, importer, imported, chain, "", 0, 0, digest)
    first = chain[0]
    importer = importer or first.importer
    imported = imported or chain[-1].imported
    modules = "\x1f".join([code, contract, importer, *map(_IMPORTED, chain)])
    digest = hashlib.sha256(modules.encode()).hexdigest()[:16]
    return Violation(
        code, message, importer, imported, chain, first.path, first.line, first.column, digest
    )


class ContractResult(NamedTuple):
    name: str
    type: str
    violations: tuple[Violation, ...]

    @property
    def kept(self) -> bool:
        return not self.violations


class Report(NamedTuple):
    """The whole verdict of one run. Renderers format it; the CLI maps it to an exit code."""

    contracts: tuple[ContractResult, ...]
    diagnostics: tuple[Diagnostic, ...]
    files: int
    modules: int
    imports: int
    config_path: str = ""
    root: str = ""  # the project root that was found (absolute); report paths are relative to it

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)

    @property
    def violations(self) -> tuple[Violation, ...]:
        return tuple(v for c in self.contracts for v in c.violations)

    @property
    def ok(self) -> bool:
        return not self.violations and not self.errors


class ArchlintError(Exception):
    """A configuration, usage or input error that stops the run (exit code 2).

    ``path``/``line``/``column`` name where the problem is, when known.
    """

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"
