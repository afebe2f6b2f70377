"""Standalone SVG pictures of the metrics: no script, no web font, no network.

The dependency structure matrix (DSM) lists the units down the left, numbered, and the same
numbers across the top; a cell (row, column) is filled when the row's unit imports the
column's, darker with more imports, with their count. Units are ordered by height (see
``metrics._matrix``), so in a system without cycles every mark is right of the diagonal; a mark
left of it is an import against the order: a cycle, drawn in red. Labels never overlap: rows
carry the names, columns only numbers, written vertically.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from archlint.metrics import Metrics
from archlint.model import ArchlintError

MAX_UNITS = 300  # beyond this a matrix is no longer readable on a screen
CELL = 16
CHAR = 6.7  # width of one character of the 11 px monospace font
FAMILY = 'font-family="ui-monospace, Menlo, Consolas, monospace"'
FONT = f'{FAMILY} font-size="11"'
SMALL = f'{FAMILY} font-size="9"'


def render_dsm(metrics: Metrics) -> str:
    matrix = metrics.matrix
    count = len(matrix.units)
    if count > MAX_UNITS:
        raise ArchlintError(
            f"{count} units are too many for a readable matrix (at most {MAX_UNITS}); "
            "use --level package, or a smaller --depth"
        )
    digits = len(str(count))
    labels = [f"{index + 1:>{digits}} {name}" for index, name in enumerate(matrix.units)]
    left = round(max((len(label) for label in labels), default=1) * CHAR) + 12
    top = round(digits * CHAR) + 52
    depth = f", packages {metrics.depth} names deep" if metrics.depth is not None else ""
    title = f"Dependency structure matrix: {count} {metrics.level} units{depth}"
    legend = "row imports column (number of imports); red: against the order, part of a cycle"
    text_width = round(max(len(title) * 1.1, len(legend)) * CHAR) + 16
    width, height = max(left + count * CELL + 12, text_width), top + count * CELL + 12
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="8" y="16" {FONT} font-weight="bold">{escape(title)}</text>',
        f'<text x="8" y="32" {FONT} fill="#555">{escape(legend)}</text>',
    ]
    for index, label in enumerate(labels):
        y = top + index * CELL + CELL - 4
        color = ' fill="#b00"' if matrix.units[index] in matrix.cyclic else ""
        out.append(f'<text x="6" y="{y}" {FONT}{color} xml:space="preserve">{escape(label)}</text>')
        x = left + index * CELL + CELL - 4
        out.append(
            f'<text x="{x}" y="{top - 4}" {FONT} transform="rotate(-90 {x} {top - 4})">'
            f"{index + 1}</text>"
        )
    grid = count * CELL
    out.append(
        f'<rect x="{left}" y="{top}" width="{grid}" height="{grid}" fill="none" stroke="#999"/>'
    )
    for index in range(1, count):
        offset = index * CELL
        out.append(
            f'<path d="M{left + offset} {top}v{grid}M{left} {top + offset}h{grid}" '
            'stroke="#e4e4e4"/>'
        )
    for index in range(count):
        out.append(
            f'<rect x="{left + index * CELL}" y="{top + index * CELL}" width="{CELL}" '
            f'height="{CELL}" fill="#444"/>'
        )
    most = max((imports for _, _, imports in matrix.cells), default=1)
    for row, column, imports in matrix.cells:
        shade = 0.35 + 0.65 * (imports / most) ** 0.5
        color = "#c0392b" if column < row else "#2e6da4"
        x, y = left + column * CELL, top + row * CELL
        out.append(
            f'<rect x="{x + 1}" y="{y + 1}" width="{CELL - 2}" height="{CELL - 2}" '
            f'fill="{color}" fill-opacity="{shade:.2f}"><title>{escape(matrix.units[row])} imports '
            f"{escape(matrix.units[column])}: {imports}</title></rect>"
        )
        if imports < 100:
            out.append(
                f'<text x="{x + CELL / 2}" y="{y + CELL - 4}" {SMALL} '
                f'text-anchor="middle" fill="white">{imports}</text>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"
