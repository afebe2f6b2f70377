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


def render_pictures(metrics: Metrics) -> str:
    """The abstractness/instability scatter above the dependency structure matrix, in one
    standalone SVG."""
    scatter, scatter_width, scatter_height = _scatter(metrics)
    dsm, dsm_width, dsm_height = _dsm(metrics)
    width, height = max(scatter_width, dsm_width), scatter_height + dsm_height
    return _document(
        f'{scatter}<g transform="translate(0 {scatter_height})">\n{dsm}</g>\n', width, height
    )


def _document(body: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">\n'
        f'<rect width="{width}" height="{height}" fill="white"/>\n{body}</svg>\n'
    )


LABELLED = 15  # points labelled by number in the scatter: the farthest from the main sequence
PLOT = 360  # side of the scatter's square, in pixels


def _scatter(metrics: Metrics) -> tuple[str, int, int]:
    points = [u for u in metrics.units if u.abstractness is not None and u.instability is not None]
    left, top = 56, 52
    ranked = sorted(points, key=lambda u: (-(u.distance or 0.0), u.name))[:LABELLED]

    def at(instability: float, abstractness: float) -> tuple[float, float]:
        return left + instability * PLOT, top + (1 - abstractness) * PLOT

    title = f"Abstractness and instability: {len(points)} of {len(metrics.units)} units"
    out = [
        f'<text x="8" y="16" {FONT} font-weight="bold">{escape(title)}</text>',
        f'<text x="8" y="32" {FONT} fill="#555">units with classes and imports; the line is '
        "the main sequence A + I = 1; numbered: farthest from it</text>",
    ]
    radius = 0.3 * PLOT
    x0, y0 = at(0, 0)
    x1, y1 = at(1, 1)
    out += [
        f'<rect x="{left}" y="{top}" width="{PLOT}" height="{PLOT}" fill="none" stroke="#999"/>',
        f'<path d="M{x0} {y0 - radius}A{radius} {radius} 0 0 1 {x0 + radius} {y0}L{x0} {y0}Z" '
        'fill="#c0392b" fill-opacity="0.12"/>',
        f'<path d="M{x1 - radius} {y1}A{radius} {radius} 0 0 0 {x1} {y1 + radius}L{x1} {y1}Z" '
        'fill="#7f8c8d" fill-opacity="0.15"/>',
        f'<text x="{x0 + 8}" y="{y0 - radius + 24}" {SMALL} fill="#c0392b">zone of pain</text>',
        f'<text x="{x1 - 4}" y="{y1 + 12}" {SMALL} fill="#555" text-anchor="end">'
        "zone of uselessness</text>",
        f'<line x1="{x0}" y1="{top}" x2="{x1}" y2="{y0}" stroke="#2e6da4" stroke-dasharray="4 3"/>',
        f'<text x="{left + PLOT / 2}" y="{top + PLOT + 30}" {FONT} text-anchor="middle">'
        "instability I = Ce / (Ca + Ce)</text>",
        f'<text x="16" y="{top + PLOT / 2}" {FONT} text-anchor="middle" '
        f'transform="rotate(-90 16 {top + PLOT / 2})">abstractness A</text>',
    ]
    for value in (0, 0.5, 1):
        x, y = at(value, value)
        out.append(
            f'<text x="{x}" y="{top + PLOT + 14}" {SMALL} text-anchor="middle">{value}</text>'
        )
        out.append(f'<text x="{left - 6}" y="{y + 3}" {SMALL} text-anchor="end">{value}</text>')
    for unit in sorted(points, key=lambda u: u.name):
        x, y = at(unit.instability or 0.0, unit.abstractness or 0.0)
        red = min(1.0, (unit.distance or 0.0) / 0.7)
        color = f"rgb({int(46 + 146 * red)},{int(109 - 52 * red)},{int(164 - 121 * red)})"
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}" fill-opacity="0.8">'
            f"<title>{escape(unit.name)}: A {unit.abstractness:.2f}, I {unit.instability:.2f}, "
            f"D {unit.distance:.2f}</title></circle>"
        )
    # label boxes already taken: the zone names first, so that numbers avoid them
    placed: list[tuple[float, float, float, float]] = [
        (x0 + 8, y0 - radius + 15, x0 + 8 + 12 * 5.6, y0 - radius + 25),
        (x1 - 4 - 19 * 5.6, y1 + 3, x1 - 4, y1 + 13),
    ]
    legend_x = left + PLOT + 40
    out.append(f'<text x="{legend_x}" y="{top + 8}" {FONT} font-weight="bold">farthest</text>')
    for number, unit in enumerate(ranked, 1):
        x, y = at(unit.instability or 0.0, unit.abstractness or 0.0)
        label = str(number)
        width = len(label) * 5.6 + 2
        for dx, dy in ((6, -4), (6, 12), (-6 - width, -4), (-6 - width, 12), (-width / 2, -9)):
            box = (x + dx, y + dy - 9, x + dx + width, y + dy + 1)
            inside = left <= box[0] and box[2] <= left + PLOT and top <= box[1]
            free = all(
                box[2] <= o[0] or o[2] <= box[0] or box[3] <= o[1] or o[3] <= box[1] for o in placed
            )
            if inside and box[3] <= top + PLOT and free:
                placed.append(box)
                out.append(f'<text x="{box[0]:.1f}" y="{box[3] - 1:.1f}" {SMALL}>{label}</text>')
                break
        line = (
            f"{number:>2} {unit.name}  A {unit.abstractness:.2f}  I {unit.instability:.2f}  "
            f"D {unit.distance:.2f}"
        )
        out.append(
            f'<text x="{legend_x}" y="{top + 8 + 15 * number}" {SMALL} xml:space="preserve">'
            f"{escape(line)}</text>"
        )
    longest = max((len(unit.name) for unit in ranked), default=10) + 32
    width = int(legend_x + longest * 5.6 + 16)
    height = top + PLOT + 48
    return "\n".join(out) + "\n", width, height


def _dsm(metrics: Metrics) -> tuple[str, int, int]:
    """The matrix's elements, width and height."""
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
    return "\n".join(out) + "\n", width, height
