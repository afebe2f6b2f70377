"""The fastest path of scanning: import statements found by string search, no parser.

The keyword ``import`` is a hard keyword: every occurrence outside strings and comments belongs
to an import statement. So the scanner finds the spans of the triple-quoted strings (the only
tokens that span lines, apart from backslash continuations), looks up each occurrence of
``import`` with ``str.find`` and reads only its own line to rule out strings and comments.
The kind of an import comes from the blocks around it, which indentation alone tells: the
nearest earlier block header indented less is its parent (``def``, ``if TYPE_CHECKING:``,
``try:`` whose ``except`` clauses catch ImportError, ...). Everything runs on ``str.find`` and
regular expressions anchored at a literal, which CPython searches at memory speed.

It must give exactly what the ``ast`` path (and libcst, the reference) gives, so it is
conservative: anything unusual returns ``None`` and the file goes to the parser. Unusual means
tabs or form feeds in indentation, lone carriage returns, dynamic imports (``import_module``,
``__import__``), an unterminated triple-quoted string, an f-string that may nest quotes
(Python 3.12), an import statement that does not parse, an import sharing its line with another
statement (``if TYPE_CHECKING: import a``, ``import a; import b``) or continuing one with a
backslash, a block header this module cannot read, and a line indented less than its block (a
bracket continuation). ``tests/differential`` proves the equivalence on the standard library
and real packages.

Syntax errors elsewhere in a file (``def f(:``) are not detected here: archlint is not a
syntax checker (ruff is). Malformed import statements and unterminated triple-quoted strings
are handed to the parser, which reports them with their position.
"""

from __future__ import annotations

import keyword
import re
from bisect import bisect_right
from functools import cache

from archlint.abstract_classes import ABSTRACT_BASES, ABSTRACT_DECORATORS, ABSTRACT_METACLASS
from archlint.model import ImportKind, RawImport

# a backslash continues a one-line string on the next line
_SINGLE = r"'[^'\\\n]*(?:\\(?s:.)[^'\\\n]*)*'" + r'|"[^"\\\n]*(?:\\(?s:.)[^"\\\n]*)*"'
# What decides whether a position of a line is code: comments and one-line strings before it.
_LINE_LEX = re.compile(r"(?P<comment>\#[^\n]*)|" + _SINGLE + r"|(?P<open>['\"])")
# Tokens of a logical line: enough to find where it ends (brackets, strings, continuations).
_LINE_TOKEN = re.compile(
    r"\#[^\n]*|(?P<triple>'''|\"\"\")|(?P<single>" + _SINGLE + r")|(?P<bad>['\"])"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<cont>\\\n)|(?P<nl>\n)",
)
_KEYWORD = re.compile(
    r"(?:def|async|class|if|elif|else|try|except|finally|with|for|while|match|case)\b"
)

_WS = r"(?:[ \f]|\\\n)"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = rf"{_NAME}(?:{_WS}*\.{_WS}*{_NAME})*"
_AS = rf"(?:{_WS}+as{_WS}+{_NAME})?"
_END = rf"{_WS}*(?=;|\#|\n|\Z)"
_IMPORT = re.compile(
    rf"import{_WS}+(?P<names>{_DOTTED}{_AS}(?:{_WS}*,{_WS}*{_DOTTED}{_AS})*){_END}"
)
_FROM_HEAD = re.compile(rf"[ ]*from(?:{_WS}+|(?=\.))(?:\.{_WS}*)*(?:{_DOTTED})?{_WS}*")
_FROM = re.compile(
    rf"""from(?:{_WS}+|(?=\.))(?P<dots>(?:\.{_WS}*)*)(?P<module>{_DOTTED})?{_WS}*\bimport
    (?:{_WS}*(?P<star>\*)
      |{_WS}*\((?P<paren>[^()\#]*(?:\#[^\n]*[^()\#]*)*)\)
      |{_WS}+(?P<names>{_NAME}{_AS}(?:{_WS}*,{_WS}*{_NAME}{_AS})*)
    ){_END}""",
    re.VERBOSE,
)
# inside parentheses any whitespace may separate names; a trailing comma is fine
_PAREN_NAMES = re.compile(  # (whitespace as Python's tokenizer knows it: no vertical tab)
    r"[ \t\n\f]*{name}(?:[ \t\n\f]+as[ \t\n\f]+{name})?"
    r"(?:[ \t\n\f]*,[ \t\n\f]*{name}(?:[ \t\n\f]+as[ \t\n\f]+{name})?)*"
    r"[ \t\n\f]*,?[ \t\n\f]*".replace("{name}", _NAME)
)
# a hard keyword used as a name makes an import statement a syntax error
_HARD_KEYWORDS = frozenset(keyword.kwlist)
_ALIAS = re.compile(rf"({_NAME}(?:\s*\.\s*{_NAME})*)(?:\s+as\s+{_NAME})?", re.ASCII)
_COMMENT = re.compile(r"\#[^\n]*")
_WS_RUN = re.compile(r"\s|\\\n")

_TYPE_CHECKING_TEST = re.compile(
    rf"(?:if|elif)[ ]+(?P<negated>not[ ]+)?(?:{_NAME}\.)*TYPE_CHECKING[ ]*:[ ]*"
)
_EXCEPT = re.compile(
    rf"""except(?:[ ]*\*)?[ ]*
    (?:(?P<single>{_NAME}(?:\.{_NAME})*)|\((?P<tuple>\s*{_NAME}(?:\.{_NAME})*
        (?:\s*,\s*{_NAME}(?:\.{_NAME})*)*\s*,?\s*)\))?
    (?:[ ]+as[ ]+{_NAME})?[ ]*:""",
    re.VERBOSE,
)
_OPTIONAL_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# ``__import__(`` and its first argument, when that starts with a name: not a string literal
# the call after ``__import__``/``import_module``, if any, and how its first argument starts
_DYNAMIC_CALL = re.compile(
    r"[ ]*\([ ]*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ ]*(?P<after>==|[='\"])?)?"
)
# a call whose first argument starts with a one-line string literal followed by ``%`` or
# ``.``: a formatting or a method call, which names no module the parser could read either
_FORMATTED_LITERAL = re.compile(rf"[ ]*\([ ]*(?:{_SINGLE})[ ]*[%.]")
_IDENTIFIER_END = re.compile(r"\w")
# a plain import statement alone on its line (or on the lines of its parentheses, with no
# comment, string or backslash in them), indented by spaces only (matched at a line start)
_PLAIN_DOTTED = rf"{_NAME}(?:\.{_NAME})*"
_PLAIN_AS = rf"(?:[ ]+as[ ]+{_NAME})?"
_SIMPLE = re.compile(
    rf"(?P<indent>[ ]*)"
    rf"(?:from[ ]+(?P<dots>\.*)(?P<module>{_PLAIN_DOTTED})?[ ]+(?P<from_kw>)import"
    rf"(?:[ ]+(?P<names>{_NAME}{_PLAIN_AS}(?:[ ]*,[ ]*{_NAME}{_PLAIN_AS})*)"
    r"|[ ]*\((?P<paren>[^()\#'\"\\]*)\))"
    rf"|import[ ]+(?P<modules>{_PLAIN_DOTTED}{_PLAIN_AS}(?:[ ]*,[ ]*{_PLAIN_DOTTED}{_PLAIN_AS})*))"
    r"[ ]*(?=\n|\#|\Z)"
)


_CLASS_HEAD = re.compile(rf"class{_WS}+{_NAME}{_WS}*")
_ABSTRACT_DECORATOR = re.compile(
    rf"\n([ \t\f]*)@[ ]*(?:{_NAME}[ ]*\.[ ]*)*(?:{'|'.join(sorted(ABSTRACT_DECORATORS))})"
    r"[ ]*(?:\#[^\n]*)?(?=\n|\Z)"
)
_KEYWORD_ARGUMENT = re.compile(rf"({_NAME})\s*=(?!=)\s*")
_LAST_NAME = re.compile(rf"(?:{_NAME}\s*\.\s*)*({_NAME})\s*(?:\[.*\])?", re.DOTALL)


def _triple_end(text: str, start: int, quote: str) -> int:
    """Where the triple-quoted string opened at ``start`` ends (after its closing quotes), or
    -1 when it does not: at the first ``quote`` not escaped by an odd run of backslashes (a
    backslash keeps a quote from closing raw strings too)."""
    position = start + 3
    while True:
        end = text.find(quote, position)
        if end < 0:
            return -1
        escape = end
        while text[escape - 1] == "\\":
            escape -= 1
        if (end - escape) % 2 == 0:
            return end + 3
        position = end + 1


def _check_fstring(text: str, start: int, literal: str) -> None:
    """An f-string whose braces do not balance may nest its own quotes (Python 3.12): then
    this tokenisation is wrong, and the parser must decide."""
    if "f" in text[max(0, start - 2) : start].lower() and literal.count("{") != literal.count("}"):
        raise Unusual("an f-string that may nest quotes")


def _last_name(expression: str) -> str:
    """The last name of a dotted name, subscript dropped (``typing.Protocol[T]``), else ""."""
    match = _LAST_NAME.fullmatch(expression.strip())
    return match[1] if match is not None else ""


def _split_arguments(listed: str) -> list[str]:
    """The comma-separated arguments of a call, split at the outer level only."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(listed):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(listed[start:index])
            start = index + 1
    parts.append(listed[start:])
    return [part.strip() for part in parts if part.strip()]


def _first(entry: tuple[int, str, str | None, int]) -> int:
    return entry[0]


def _names_a_keyword(listed: str) -> bool:
    """Whether a name, a part of a dotted name or an alias of an import list (``None``,
    ``a.if``, ``b as class``) is a hard keyword: the parser rejects such a statement."""
    if _HARD_KEYWORDS.isdisjoint(listed.replace(",", " ").replace(".", " ").split()):
        return False  # (a regular expression search cost three times as much)
    for part in listed.split(","):
        words = part.replace(".", " ").split()
        if len(words) >= 3 and words[-2] == "as":
            del words[-2]  # the ``as`` of an alias
        if not _HARD_KEYWORDS.isdisjoint(words):
            return True
    return False


def _names(listed: str) -> list[str] | None:
    """The sorted names of a plain comma-separated list (``a as b`` names ``a``; whitespace
    and a trailing comma, as in parentheses, are fine), or None when a name, a part of a
    dotted name or an alias is a hard keyword (see ``_names_a_keyword``)."""
    names = []
    for part in listed.split(","):
        words = part.split()
        if not words:
            continue
        if not _HARD_KEYWORDS.isdisjoint(words[0].split(".")) or words[-1] in _HARD_KEYWORDS:
            return None  # (a list checked by the pattern: ``a``, ``a.b`` or ``a as b``)
        names.append(words[0])
    return sorted(names)


class Unusual(Exception):
    """The file needs the parser."""


class _Header:
    """A block header line (mutable: what it adds is found once, when first needed)."""

    __slots__ = ("indent", "keyword", "kind", "known", "length", "line_start", "position", "text")

    def __init__(self, position: int, line_start: int, indent: int, keyword: str) -> None:
        self.position = position  # of the keyword
        self.line_start = line_start
        self.indent = indent
        self.keyword = keyword
        self.text: str | None = None  # the logical line's code (no comment), once needed
        self.length = 0  # of the logical line, from line_start
        self.kind: ImportKind | None = None  # what the block adds, once ``known``
        self.known = False


def scan_lexically(text: str) -> tuple[tuple[RawImport, ...], int, int, int] | None:
    """Every import statement of ``text``, sorted by position, then the numbers of classes and
    abstract classes (see ``FileScan``) and of newlines (counted on the way, which spares a
    pass over the file); ``None`` when the file must go to the parser (see the module
    docstring)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    try:
        scanner = _Scanner(text)
        imports = scanner.run()
        return (imports, *scanner.classes(), scanner.newlines)
    except Unusual:
        return None


def scan_imports(text: str) -> tuple[RawImport, ...] | None:
    """The imports of ``scan_lexically``."""
    found = scan_lexically(text)
    return None if found is None else found[0]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.string_starts: list[int] = []  # triple-quoted strings, in order
        self.string_ends: list[int] = []
        self.header_at: dict[int, _Header] = {}  # by line start
        self.parents: dict[tuple[int, int], _Header] = {}  # (line start, indent) -> header
        # characters the backward searches and line reads may visit: a file that would need
        # more (quadratic cases, such as thousands of one-line imports hidden in strings on one
        # line) goes to the parser, which is linear
        self.budget = 16 * len(text) + 100_000
        # remembered answers of ``_line_before``: max indent -> (positions, answers)
        self.known: dict[int, tuple[list[int], dict[int, tuple[int, int] | None]]] = {}
        self.newlines = 0  # in the whole text, once ``run`` has counted them
        self.mentioned: dict[str, bool] = {}  # word -> in text, for words looked up once

    def run(self) -> tuple[RawImport, ...]:
        text = self.text
        self._find_triple_strings()
        found: list[tuple[int, str, str | None, int]] = []  # position, module, name, level
        position = text.find("import")
        strings = self.string_starts
        while position >= 0:
            end = self._string_around(position) if strings else None
            if end is not None:
                position = end - 1  # doctests: skip the rest of the string
            else:
                end = self._simple_statement(position, found)
                if end is not None:
                    position = end
                else:
                    # every ``__import__`` and ``import_module`` holds an ``import``: calls are
                    # found here, not by searches of their own through the whole text
                    if text.startswith("import_module", position):
                        self._check_dynamic_call("import_module", position)
                    elif position >= 2 and text.startswith("__import__", position - 2):
                        self._check_dynamic_call("__import__", position - 2)
                    if self._is_keyword(position):
                        position = self._statement(position, found)
            position = text.find("import", position + 1)
        found.sort(key=_first)  # stable: a statement's names stay sorted
        # in the order of ``RawImport``: by position, then (within a statement) by name
        imports = []
        new = tuple.__new__  # RawImport without its Python-level __new__: one per import
        line, counted, last, kind = 1, 0, -1, ImportKind.TOP_LEVEL
        for position, module, name, level in found:
            if position != last:  # the first name of a statement: where, and which kind
                line += text.count("\n", counted, position)
                counted = last = position
                line_start = text.rfind("\n", 0, position) + 1
                column = position - line_start + 1
                kind = ImportKind.TOP_LEVEL
                if column > 1:
                    indent = column - 1
                    if text[line_start] == "\t":  # tabs only (``_statement``): 8 columns each
                        indent *= 8
                        # Python compares indentation by both 8- and 1-column tabs: only under
                        # a header at column 0 are they sure to agree
                        if self._enclosing(line_start, indent).indent:
                            raise Unusual("a tab-indented import inside an indented block")
                    kind = self._kind(line_start, indent)
            imports.append(new(RawImport, (line, column, module, name, level, kind)))
        self.newlines = line - 1 + text.count("\n", counted)
        return tuple(imports)

    def _simple_statement(
        self, position: int, found: list[tuple[int, str, str | None, int]]
    ) -> int | None:
        """If ``position`` (in code, not in a triple-quoted string) is the keyword of a plain
        import statement alone on its line, indented by spaces only (most imports of most
        files), record it and return where it ends; else None, and the general path decides.
        Its kind is found later, from its indentation (``run``)."""
        text = self.text
        line_start = text.rfind("\n", 0, position) + 1
        match = _SIMPLE.match(text, line_start)
        if match is None or text.endswith("\\\n", 0, line_start):
            return None  # no such statement, or one continuing a line
        indent, dots, module, names, paren, modules = match.group(
            "indent", "dots", "module", "names", "paren", "modules"
        )
        start = line_start + len(indent)
        add = found.append
        if paren is not None:
            if _PAREN_NAMES.fullmatch(paren) is None:
                return None
            names = paren
        if names is not None:
            if match.start("from_kw") != position:
                return None  # ``import`` inside a name (``from importlib import x``)
            level, module = len(dots), module or ""
            if module == "importlib" and not level and "as" in names.split():
                return None  # maybe import_module under another name
            listed = _names(names)
            if listed is None or _names(module) is None:
                return None  # a keyword as a name, a syntax error: the general path hands it over
            for name in listed:
                add((start, module, name, level))
        else:
            if start != position or ("importlib" in modules and " as " in modules):
                return None
            listed = _names(modules)
            if listed is None:
                return None
            for name in listed:
                add((start, name, None, 0))
        return match.end()

    # -- classes -------------------------------------------------------------------------------

    def classes(self) -> tuple[int, int]:
        """(class statements, abstract ones), by the rules of ``FileScan`` (run after ``run``:
        it needs the string spans)."""
        text = self.text
        abstract: set[int] = set()  # line starts of the abstract classes
        count = 0
        # each word "class" with only blanks before it on its line (a regular expression
        # anchored at line starts would walk the indentation of every line)
        position = text.find("class")
        while position >= 0:
            keyword, position = position, text.find("class", position + 5)
            if _IDENTIFIER_END.match(text, keyword + 5):
                continue  # ``classmethod``, ``class_``
            line_start = keyword
            while line_start and text[line_start - 1] in " \t\f":  # never past a word
                line_start -= 1
            if line_start and text[line_start - 1] != "\n":
                continue
            blanks = text[line_start:keyword]
            indent = len(blanks)
            if self._string_around(line_start) is not None:
                continue
            if blanks.strip(" ") or text.endswith("\\\n", 0, line_start):
                raise Unusual("a class statement after a tab or a continuation")
            count += 1
            if self._may_be_abstract(keyword) and self._abstract_bases(
                self._header(line_start, indent)
            ):
                abstract.add(line_start)
        if count and "abstract" in text:  # a decorator makes only its class abstract
            # in "\n" + text, a match's start is the matched line's start in ``text``
            for match in _ABSTRACT_DECORATOR.finditer("\n" + text):
                line_start, indent = match.start(), len(match[1])
                if match[1].strip(" "):
                    raise Unusual("an abstract method decorator after a tab or form feed")
                if not indent or self._string_around(line_start) is not None:
                    continue
                if not self._decorates_a_function(match.end() - 1, indent):
                    continue
                header = self._enclosing(line_start, indent)
                if header.keyword == "class":
                    abstract.add(header.line_start)
        return count, len(abstract)

    def _mentions(self, word: str) -> bool:
        """Whether ``word`` is anywhere in the text (a pass over the file: asked only when
        needed, answered once)."""
        found = self.mentioned.get(word)
        if found is None:
            found = self.mentioned[word] = word in self.text
        return found

    def _may_be_abstract(self, keyword: int) -> bool:
        """False when the class statement at ``keyword`` surely names no abstract base or
        metaclass (``ABC``, ``ABCMeta``, ``Protocol``): its physical line mentions none and is
        the whole header (no comment, string, backslash or open bracket carries it on), or the
        file mentions none anywhere. Cheaper than reading every header, and than searching
        every file."""
        text = self.text
        end = text.find("\n", keyword)
        line = text[keyword : end if end >= 0 else len(text)]
        if "ABC" in line or "Protocol" in line:
            return True
        if not ("#" in line or "'" in line or '"' in line or "\\" in line) and (
            line.count("(") == line.count(")") and line.count("[") == line.count("]")
        ):
            return False
        return self._mentions("ABC") or self._mentions("Protocol")

    def _abstract_bases(self, header: _Header) -> bool:
        """Whether a class header names an ``ABC`` or ``Protocol`` base or an ``ABCMeta``
        metaclass (``ast``'s view: the last name of a dotted name, subscripts dropped)."""
        self._header_end(header, block=False)
        code = header.text or ""
        match = _CLASS_HEAD.match(code)
        if match is None:
            raise Unusual("a class header this scanner cannot read")
        listed = code[match.end() :]
        if listed.startswith("["):
            raise Unusual("a generic class (Python 3.12)")
        if not listed.startswith("("):
            return False
        depth, end = 0, -1
        for index, char in enumerate(listed):
            depth += char in "([{"
            depth -= char in ")]}"
            if depth == 0:
                end = index
                break
        arguments = listed[1:end]
        if end < 0 or any(c in arguments for c in "'\"#\\"):
            raise Unusual("class bases this scanner cannot read")
        for argument in _split_arguments(arguments):
            keyword = _KEYWORD_ARGUMENT.match(argument)
            if keyword is not None:
                value = argument[keyword.end() :]
                if keyword[1] == "metaclass" and _last_name(value) == ABSTRACT_METACLASS:
                    return True
            elif not argument.startswith("*") and _last_name(argument) in ABSTRACT_BASES:
                return True
        return False

    def _decorates_a_function(self, position: int, indent: int) -> bool:
        """Whether the decorator line ending at ``position`` is followed (after more decorators,
        blank lines or comments) by a ``def`` or ``async def`` at its indentation."""
        found = self._line_after(position, indent)
        while found is not None and found[1] == indent:
            code = self.text[sum(found) : sum(found) + 6]
            if code.startswith("@"):
                end = self.text.find("\n", sum(found))
                found = self._line_after(end if end >= 0 else len(self.text), indent)
                continue
            return code.startswith(("def ", "def\\", "async "))
        return False

    # -- strings -----------------------------------------------------------------------------

    def _find_triple_strings(self) -> None:
        """The spans of every triple-quoted string (a ``'''`` inside a comment or a one-line
        string is not one)."""
        text = self.text
        position = 0  # everything before is known code or known string
        next_single, next_double = text.find("'''"), text.find('"""')
        while next_single >= 0 or next_double >= 0:
            if next_double < 0 or 0 <= next_single < next_double:
                quote, start = "'''", next_single
            else:
                quote, start = '"""', next_double
            resume = self._inside_line_token(position, start)
            if resume is None:
                end = _triple_end(text, start, quote)
                if end < 0:
                    raise Unusual("an unterminated triple-quoted string")
                if "f" in text[max(0, start - 2) : start].lower():
                    _check_fstring(text, start, text[start:end])
                self.string_starts.append(start)
                self.string_ends.append(end)
                resume = end
            position = resume
            if next_single >= 0 and next_single < resume:
                next_single = text.find("'''", resume)
            if next_double >= 0 and next_double < resume:
                next_double = text.find('"""', resume)

    def _spend(self, characters: int) -> None:
        self.budget -= characters
        if self.budget < 0:
            raise Unusual("too much searching")

    def _inside_line_token(self, known: int, position: int) -> int | None:
        """If ``position`` is inside a comment or a one-line string, where that token ends;
        else None. Reads the logical line from its start (or from ``known``, a position known
        to be in code), following backslash continuations."""
        text = self.text
        start = text.rfind("\n", 0, position) + 1
        while start > known and text.endswith("\\\n", 0, start):
            start = text.rfind("\n", 0, start - 1) + 1
        start = max(start, known)
        self._spend(position - start)
        before = text[start:position]
        if "'" not in before and '"' not in before and "#" not in before:
            return None  # no token opens before ``position`` (most lines)
        for match in _LINE_LEX.finditer(text, start, position):
            if match.lastgroup == "comment":
                if match.end() < position:  # ended on an earlier line
                    continue
                end = text.find("\n", position)
                return len(text) if end < 0 else end
            if match.lastgroup == "open":  # a string running past ``position``
                string = _LINE_LEX.match(text, match.start())
                if string is None or string.lastgroup == "open":
                    raise Unusual("an unterminated string")
                return string.end()
            _check_fstring(text, match.start(), match.group())
        return None

    def _check_dynamic_call(self, word: str, position: int) -> None:
        """Hand over a file with a call of ``word`` (``__import__`` or ``import_module``, at
        ``position``) that may import: one whose first argument does not start with a name (a
        string literal not followed by ``%`` or ``.``, ``name=...``, parentheses).
        ``import_module(path)`` or ``__import__(name)`` import nothing static (the parser would
        not record them either); ``x.__import__`` is not the builtin, while
        ``importlib.import_module`` is the function, and ``import_module`` in a file that never
        mentions ``importlib`` is not importlib's."""
        text = self.text
        if word == "import_module" and not self._mentions("importlib"):
            return
        before = text[position - 1] if position else " "
        dotted = before == "." and word == "__import__"
        word_start = not (before.isalnum() or before == "_" or dotted)
        end = position + len(word)
        word_end = not (text[end : end + 1].isalnum() or text[end : end + 1] == "_")
        call = None
        if word_start and word_end and self._is_code(position):
            call = _DYNAMIC_CALL.match(text, end)
        if call is not None and (call["name"] is None or call["after"] in ("=", "'", '"')):
            if call["name"] is None and _FORMATTED_LITERAL.match(text, end):
                return  # ``"%s.x" % name`` or ``".".join(...)``: not a literal
            raise Unusual(f"a call of {word} that may import")

    def _is_code(self, position: int) -> bool:
        """Whether ``position`` is in code: not in a string or a comment."""
        if self._string_around(position) is not None:
            return False
        return self._inside_line_token(self._code_from(position), position) is None

    def _code_from(self, position: int) -> int:
        """Where the code before ``position`` is known to start: the end of the last
        triple-quoted string before it (``position`` is not inside one), or 0."""
        index = bisect_right(self.string_starts, position) - 1
        return self.string_ends[index] if index >= 0 else 0

    def _string_around(self, position: int) -> int | None:
        """The end of the triple-quoted string containing ``position``, if any."""
        index = bisect_right(self.string_starts, position) - 1
        if index >= 0 and position < self.string_ends[index]:
            return self.string_ends[index]
        return None

    # -- statements --------------------------------------------------------------------------

    def _is_keyword(self, position: int) -> bool:
        """Whether the ``import`` at ``position`` is the keyword, in code."""
        text = self.text
        if position and (text[position - 1].isalnum() or text[position - 1] == "_"):
            return False
        if _IDENTIFIER_END.match(text, position + 6):
            return False
        if not self._is_code(position):
            return False
        line_start = text.rfind("\n", 0, position) + 1
        known = self._code_from(position)
        if known > line_start:
            raise Unusual("an import sharing its line with a string")
        continued = text.endswith("\\\n", 0, line_start)
        if continued and self._inside_line_token(known, line_start - 2) is None:
            raise Unusual("an import continuing a line")  # the backslash is not in a comment
        return True

    def _statement(self, position: int, found: list[tuple[int, str, str | None, int]]) -> int:
        """Record the import statement whose ``import`` keyword is at ``position``; return
        where it ends."""
        text = self.text
        line_start = text.rfind("\n", 0, position) + 1
        prefix = text[line_start:position]
        blanks = len(prefix) - len(prefix.lstrip(" "))
        if not blanks and prefix.startswith("\t"):  # indented by tabs only (see ``run``)
            blanks = len(prefix) - len(prefix.lstrip("\t"))
        start = line_start + blanks
        if start == position:
            match = _IMPORT.match(text, position)
            if match is None:
                raise Unusual("an import statement that does not parse")
            listed = match[1].replace("\\\n", " ")
            if _names_a_keyword(listed):
                raise Unusual("a keyword as a name")  # a syntax error: the parser says where
            aliases = [(_WS_RUN.sub("", alias[1]), alias[0]) for alias in _ALIAS.finditer(listed)]
            if any(module == "importlib" and " " in full for module, full in aliases):
                raise Unusual("importlib under another name")  # its calls need the parser
            found.extend((start, module, None, 0) for module, _ in sorted(aliases))
            return match.end()
        if _FROM_HEAD.fullmatch(prefix, blanks if prefix.startswith("\t") else 0) is None:
            raise Unusual("an import sharing its line with another statement")
        match = _FROM.match(text, start)
        if match is None:
            raise Unusual("a from-import statement that does not parse")
        level = match.group("dots").count(".")
        module = _WS_RUN.sub("", match.group("module") or "")
        if _names_a_keyword(module):
            raise Unusual("a keyword as a name")
        if match.group("star"):
            names = ["*"]
        else:
            listed = match.group("paren")
            if listed is None:
                listed = match.group("names").replace("\\\n", " ")
            elif _PAREN_NAMES.fullmatch(listed := _COMMENT.sub("", listed)) is None:
                raise Unusual("names in parentheses")
            if _names_a_keyword(listed):
                raise Unusual("a keyword as a name")
            # checked above: names (``a`` or ``a as b``) separated by commas and whitespace
            imported = [words for part in listed.split(",") if (words := part.split())]
            if (module, level) == ("importlib", 0) and any(
                words[0] == "import_module" and len(words) > 1 for words in imported
            ):
                raise Unusual("import_module under another name")
            names = sorted(words[0] for words in imported)
        if (module, level, names) == ("importlib", 0, ["*"]):
            raise Unusual("import_module from a star import")
        found.extend((start, module, name, level) for name in names)
        return match.end()

    # -- blocks ----------------------------------------------------------------------------

    def _kind(self, line_start: int, indent: int) -> ImportKind:
        """The kind of an import statement indented by ``indent`` on the line at
        ``line_start``, from the blocks around it."""
        kinds: set[ImportKind | None] = set()
        while indent:
            header = self._enclosing(line_start, indent)
            kind = self._block_kind(header)
            if kind is ImportKind.TYPE_CHECKING:
                return kind  # the first of the order: no outer block changes it
            # FUNCTION: only an outer TYPE_CHECKING block could change it, and there is none
            if kind is ImportKind.FUNCTION and not self._mentions("TYPE_CHECKING"):
                return kind
            kinds.add(kind)
            line_start, indent = header.line_start, header.indent
        for kind in (ImportKind.TYPE_CHECKING, ImportKind.FUNCTION, ImportKind.OPTIONAL):
            if kind in kinds:
                return kind
        return ImportKind.TOP_LEVEL

    def _enclosing(self, line_start: int, indent: int) -> _Header:
        """The header of the block that contains the line at ``line_start``: in valid code,
        the nearest earlier line indented less."""
        key = (line_start, indent)
        header = self.parents.get(key)
        if header is None:
            found = self._line_before(line_start, indent - 1, remember=True)
            if found is None:
                raise Unusual("an indented line outside any block")
            closing = found
            if self.text[found[0] + found[1]] in ")]}":  # the end of a multi-line header
                found = self._line_before(found[0], found[1])
                if found is None:
                    raise Unusual("a closing bracket outside any statement")
            header = self._header(*found)
            end = self._header_end(header)
            if found is not closing and end != self.text.find("\n", closing[0]):
                raise Unusual("a closing bracket that does not end a header")
            self.parents[key] = header
        return header

    def _header(self, line_start: int, indent: int) -> _Header:
        header = self.header_at.get(line_start)
        if header is None:
            match = _KEYWORD.match(self.text, line_start + indent)
            if match is None:  # a bracket or backslash continuation indented less
                raise Unusual("a line indented less than its block")
            header = self.header_at[line_start] = _Header(
                match.start(), line_start, indent, match.group()
            )
        return header

    def _line_before(
        self, position: int, max_indent: int, remember: bool = False
    ) -> tuple[int, int] | None:
        """(start, indentation) of the nearest code line starting before ``position`` and
        indented at most ``max_indent``; lines inside triple-quoted strings, blank lines and
        comments do not count. A greedy ``.*`` makes the regular expression engine search
        backwards from ``position``, at C speed.

        With ``remember`` (only for a line indented more than ``max_indent``), the answer is
        kept: a later search from further down stops at this line and reuses it, since every
        code line in between is indented more. This keeps a class of 5,000 methods linear."""
        text = self.text
        known, answers = self.known.setdefault(max_indent, ([], {}))
        index = bisect_right(known, position) - 1
        floor = known[index] if index >= 0 else 0
        if floor == position and index >= 0:
            return answers[floor]
        pattern = _line_pattern("last", max_indent)
        end = position - 1  # the newline before the line at ``position`` is not a candidate
        answer: tuple[int, int] | None = None
        while end > floor:
            match = pattern.match(text, floor, end)
            if match is None:
                break
            line_start = match.start(1)
            self._spend(end - line_start)
            inside = self._string_start(line_start)
            if inside is None:
                if self._deeper_or_blank(line_start, match.end(1), max_indent):
                    end = line_start - 1  # retry before this line
                    continue
                answer = (line_start, match.end(1) - line_start)
                break
            end = inside  # retry before the string
        if answer is None:
            self._spend(end - floor)
            if index >= 0:
                answer = answers[floor]
            else:
                match = _line_pattern("first", max_indent).match(text, 0, max(end, 0))
                answer = (0, match.end(1)) if match is not None else None
                if match is not None and self._deeper_or_blank(0, match.end(1), max_indent):
                    answer = None
        if remember:
            known.insert(index + 1, position)
            answers[position] = answer
        return answer

    def _line_after(self, position: int, max_indent: int) -> tuple[int, int] | None:
        """Like ``_line_before``, the nearest such line starting after ``position``."""
        pattern = _line_pattern("next", max_indent)
        while True:
            match = pattern.search(self.text, position)
            if match is None:
                return None
            line_start = match.start() + 1
            self._spend(line_start - position)
            inside = self._string_around(line_start)
            if inside is None:
                if not self._deeper_or_blank(line_start, match.end(1), max_indent):
                    return line_start, len(match.group(1))
                inside = match.end(1)  # go on after this line
            position = inside

    def _deeper_or_blank(self, line_start: int, code: int, max_indent: int) -> bool:
        """For a line found by a line pattern (spaces up to ``code``): whether it is no
        candidate after all because a tab or form feed follows the spaces, and the line is
        blank, a comment, or indented by tabs beyond ``max_indent`` (a tab takes the column to
        the next multiple of 8). Raises Unusual when such indentation may matter."""
        text = self.text
        if text[code] not in "\t\x0c":
            return False
        end = text.find("\n", code)
        line = text[line_start : end if end >= 0 else len(text)]
        rest = line.lstrip(" \t\x0c")
        if not rest or rest.startswith("#"):
            return True
        indentation = line[: len(line) - len(rest)]
        if "\x0c" not in indentation and len(indentation.expandtabs(8)) > max_indent:
            return True
        raise Unusual("a line indented with tabs or form feeds where its indentation matters")

    def _string_start(self, position: int) -> int | None:
        """The start of the triple-quoted string containing ``position``, if any."""
        index = bisect_right(self.string_starts, position) - 1
        if index >= 0 and position < self.string_ends[index]:
            return self.string_starts[index]
        return None

    def _header_end(self, header: _Header, block: bool = True) -> int:
        """Where the logical line of a header ends (its newline). With ``block``, it must end
        with ``:`` (a block follows); else only the header is read (``except E: pass``)."""
        if header.text is None:
            header.text = self._logical_line(header)
        if block and not header.text.rstrip(" ").endswith(":"):
            raise Unusual(f"a {header.keyword} line that does not open a block")
        return header.line_start + header.length

    def _logical_line(self, header: _Header) -> str:
        """The code of a header's logical line without its trailing comment; sets its length."""
        text = self.text
        depth, end, comment = 0, len(text), -1
        for match in _LINE_TOKEN.finditer(text, header.position):
            group = match.lastgroup
            if group is None:
                comment = match.start()
            elif group == "open":
                depth += 1
            elif group == "close":
                depth -= 1
                if depth < 0:
                    raise Unusual("a bracket continuation that looks like a header")
            elif group in ("bad", "triple"):
                raise Unusual("a string this scanner does not follow inside a header")
            elif group == "nl":
                if depth == 0:
                    end = match.start()
                    break
                comment = -1
        header.length = end - header.line_start
        return text[header.line_start : comment if comment >= 0 else end].lstrip(" ")

    def _block_kind(self, header: _Header) -> ImportKind | None:
        """What the block of ``header`` adds to the kind of the imports inside it."""
        if header.known:
            return header.kind
        keyword = header.keyword
        kind: ImportKind | None = None
        if keyword == "def":
            kind = ImportKind.FUNCTION
        elif keyword == "async":
            rest = (header.text or "")[5:].lstrip(" \\\n")
            kind = ImportKind.FUNCTION if rest.startswith("def") else None
        elif keyword in ("if", "elif", "else"):
            kind = self._if_kind(header)
        elif keyword == "try":
            kind = self._try_kind(header)
        header.kind, header.known = kind, True
        return kind

    def _test(self, header: _Header) -> bool | None:
        """For an ``if``/``elif`` header: True for ``TYPE_CHECKING``, False for
        ``not TYPE_CHECKING``, None for any other test."""
        self._header_end(header)
        logical = header.text or ""
        if "TYPE_CHECKING" not in logical:
            return None
        match = _TYPE_CHECKING_TEST.fullmatch(logical)
        if match is None:
            raise Unusual("a TYPE_CHECKING test this scanner cannot read")
        return not match.group("negated")

    def _siblings(self, header: _Header) -> list[_Header]:
        """The earlier clauses of the compound statement of an ``elif``/``else`` header
        (``if``/``elif``, ``try``/``except``, ``for``/``while``), nearest first."""
        chain: list[_Header] = []
        current = header
        while True:
            found = self._line_before(current.line_start, header.indent)
            if found is None or found[1] != header.indent:
                raise Unusual("an elif or else without its compound statement")
            current = self._header(*found)
            chain.append(current)
            if current.keyword in ("if", "try", "for", "while", "async"):
                return chain
            if current.keyword not in ("elif", "except"):
                raise Unusual("an elif or else without its compound statement")

    def _if_kind(self, header: _Header) -> ImportKind | None:
        if header.keyword == "if":
            return ImportKind.TYPE_CHECKING if self._test(header) else None
        chain = self._siblings(header)
        if chain[-1].keyword != "if":
            if header.keyword == "elif":
                raise Unusual("an elif without its if")
            return None  # the else of a loop or of a try
        # ``elif``/``else`` bodies sit in the orelse of every earlier test of the chain
        if any(self._test(sibling) is False for sibling in chain):
            return ImportKind.TYPE_CHECKING
        if header.keyword == "elif" and self._test(header):
            return ImportKind.TYPE_CHECKING
        return None

    def _try_kind(self, header: _Header) -> ImportKind | None:
        """OPTIONAL when one of the ``except`` clauses after the body catches ImportError."""
        optional, clauses = False, 0
        position = self._header_end(header)
        while True:
            found = self._line_after(position, header.indent)
            clause = None
            same_level = found is not None and found[1] == header.indent
            if found is not None and same_level and _KEYWORD.match(self.text, sum(found)):
                clause = self._header(*found)
            if clause is None or clause.keyword != "except":
                break
            clauses += 1
            position = self._header_end(clause, block=False)
            match = _EXCEPT.match(clause.text or "")
            if match is None:
                raise Unusual("an except clause this scanner cannot read")
            caught = match.group("single") or match.group("tuple")
            names = {name.strip() for name in (caught or "").split(",")} - {""}
            if caught is None or any(
                name.removeprefix("builtins.") in _OPTIONAL_ERRORS for name in names
            ):
                optional = True
        if clauses == 0 and (clause is None or clause.keyword != "finally"):
            raise Unusual("a try without except or finally")
        return ImportKind.OPTIONAL if optional else None


_LINE_PREFIX = {"first": "", "next": r"\n", "last": r"(?s:.*)\n"}


@cache
def _line_pattern(which: str, max_indent: int) -> re.Pattern[str]:
    """A code line indented at most ``max_indent`` (group 1: its indentation): the ``first``
    line of the text, the ``next`` one (found from the newline before it) or, with a greedy
    ``.*`` that makes the engine search backwards, the ``last`` one."""
    return re.compile(_LINE_PREFIX[which] + r"([ ]{0,%d})[^ \n#]" % max_indent)  # noqa: UP031
