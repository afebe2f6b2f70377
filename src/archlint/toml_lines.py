"""Where things are in a TOML document: ``tomllib`` gives values without positions, this gives
lines.

``locate(text)`` maps the path of every table, key and array element to the 1-based line where it
is written. A path is the keys from the document root, with the 0-based index of an element of an
array (or of an array of tables): ``[[tool.archlint.layers]]`` written second is
``("tool", "archlint", "layers", 1)``, the third entry of its ``ignore`` list is
``("tool", "archlint", "layers", 1, "ignore", 2)``.

It is a tolerant scanner for text that ``tomllib`` has already accepted; on anything unexpected it
stops and returns what it found so far. It never raises.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")
_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    '"': '"',
    "\\": "\\",
}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)")


class _Stop(Exception):
    """The text is not what the scanner expects: keep what was found."""


def locate(text: str) -> dict[KeyPath, int]:
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop, IndexError, ValueError, RecursionError):
        scanner.document()
    return scanner.lines


def _unescape(raw: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, raw)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.newlines = [n for n, char in enumerate(text) if char == "\n"]
        self.lines: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}  # array-of-tables path -> elements seen so far

    def line(self) -> int:
        return bisect_right(self.newlines, self.i - 1) + 1

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def skip_blank(self, newlines: bool = False) -> None:
        """Skip spaces and tabs; with ``newlines`` also line breaks and comments."""
        text = self.text
        while self.i < len(text):
            char = text[self.i]
            if char in " \t\r" or (newlines and char == "\n"):
                self.i += 1
            elif newlines and char == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.i)
        self.i = len(self.text) if end < 0 else end

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            char = self.peek()
            if not char:
                return
            if char == "[":
                table = self.header()
            else:
                self.keyval(table)
            self.skip_blank()
            if self.peek() == "#":
                self.skip_comment()
            if self.peek() not in ("\n", ""):
                raise _Stop

    def header(self) -> KeyPath:
        line = self.line()
        is_array = self.text.startswith("[[", self.i)
        self.i += 2 if is_array else 1
        keys = self.key()
        close = "]]" if is_array else "]"
        if not self.text.startswith(close, self.i):
            raise _Stop
        self.i += len(close)
        path: list[str | int] = []
        for n, part in enumerate(keys):
            path.append(part)
            here = tuple(path)
            if is_array and n == len(keys) - 1:
                self.lines.setdefault(here, line)
                index = self.arrays.get(here, 0)
                self.arrays[here] = index + 1
                path.append(index)
            elif here in self.arrays:
                path.append(self.arrays[here] - 1)
            else:
                self.lines.setdefault(here, line)
        self.lines[tuple(path)] = line
        return tuple(path)

    def key(self) -> list[str]:
        """A simple or dotted key, with the blanks around it."""
        parts: list[str] = []
        while True:
            self.skip_blank()
            char = self.peek()
            if char in ('"', "'"):
                start = self.i
                self.string()
                raw = self.text[start + 1 : self.i - 1]
                parts.append(_unescape(raw) if char == '"' else raw)
            else:
                match = _BARE_KEY.match(self.text, self.i)
                if not match:
                    raise _Stop
                parts.append(match.group())
                self.i = match.end()
            self.skip_blank()
            if self.peek() != ".":
                return parts
            self.i += 1

    def keyval(self, table: KeyPath) -> None:
        line = self.line()
        keys = self.key()
        if self.peek() != "=":
            raise _Stop
        self.i += 1
        for n in range(1, len(keys)):
            self.lines.setdefault(table + tuple(keys[:n]), line)
        path = table + tuple(keys)
        self.lines[path] = line
        self.skip_blank()
        self.value(path)

    def value(self, path: KeyPath) -> None:
        char = self.peek()
        if char in "[{":
            self.i += 1
            self.sequence(path, inline_table=char == "{")
        elif char in ('"', "'"):
            self.string()
        else:
            match = _SCALAR_END.search(self.text, self.i)
            end = match.start() if match else len(self.text)
            if end == self.i:
                raise _Stop
            self.i = end

    def sequence(self, path: KeyPath, inline_table: bool) -> None:
        """The items of an array or inline table, up to and including its closing bracket."""
        close = "}" if inline_table else "]"
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == close:
                self.i += 1
                return
            if inline_table:
                self.keyval(path)
            else:
                item = (*path, index)
                self.lines[item] = self.line()
                self.value(item)
                index += 1
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != close:
                raise _Stop

    def string(self) -> None:
        """Skip a string of any of the four kinds; ``self.i`` is on its opening quote."""
        text = self.text
        quote = text[self.i]
        if text.startswith(quote * 3, self.i):
            end = self.i + 3
            while True:
                end = text.find(quote * 3, end)
                if end < 0:
                    raise _Stop
                if quote == '"' and _escaped(text, end):
                    end += 1
                    continue
                break
            extra = 0  # up to two quotes of the content may stand right before the delimiter
            while extra < 2 and text.startswith(quote, end + 3 + extra):
                extra += 1
            self.i = end + 3 + extra
            return
        end = self.i + 1
        while True:
            end = text.find(quote, end)
            if end < 0 or text.find("\n", self.i, end) >= 0:
                raise _Stop
            if quote == '"' and _escaped(text, end):
                end += 1
                continue
            break
        self.i = end + 1


def _escaped(text: str, at: int) -> bool:
    """The character at ``at`` follows an odd number of backslashes."""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1
