"""Charts as SVG, drawn by pygal (a maintained SVG plotting library: pure Python, no numpy, and each data point
stays an element with its value, so a test or a screen reader can read the figures back).

Every chart opens with a `<title>` and a `<desc>` (what it shows, in words) and names them in `aria-labelledby`,
so the picture is accessible. pygal's interactive script is left out: these are printable pictures.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

import pygal
from pygal.style import Style

SVG = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
MEDIA_TYPE = "image/svg+xml"

# Plain, high-contrast colours that stay apart when printed in grey.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222222",
    foreground_strong="#000000",
    foreground_subtle="#666666",
    colors=("#1b5e9e", "#c0392b", "#1e8449", "#7d3c98", "#b9770e", "#117a65", "#5d6d7e", "#a04000"),
    font_family="DejaVu Sans, Arial, sans-serif",
)


def _accessible(svg: bytes, title: str, description: str) -> bytes:
    """The chart with one `<title>` and one `<desc>` first in the root, named by `aria-labelledby`."""
    root = ET.fromstring(svg)  # noqa: S314 - pygal's own output, not a client's
    for old in root.findall(f"{{{SVG}}}title"):
        root.remove(old)
    title_el = ET.Element(f"{{{SVG}}}title", {"id": "chart-title"})
    title_el.text = title
    desc_el = ET.Element(f"{{{SVG}}}desc", {"id": "chart-desc"})
    desc_el.text = description
    root.insert(0, desc_el)
    root.insert(0, title_el)
    root.set("role", "img")
    root.set("aria-labelledby", "chart-title chart-desc")
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out


def _config(title: str) -> dict[str, object]:
    return {
        "title": title,
        "js": [],
        "style": STYLE,
        "width": 800,
        "height": 420,
        "explicit_size": True,
        "x_label_rotation": 30,
        "legend_at_bottom": True,
        "print_values": False,
        "show_minor_x_labels": True,
    }


def dated_lines(
    title: str,
    description: str,
    lines: Sequence[tuple[str, Sequence[tuple[dt.date, float]]]],
    *,
    y_range: tuple[float, float] | None = None,
    y_title: str | None = None,
) -> bytes:
    """One line per series over dates (a scaling trajectory: one line per perspective)."""
    chart = pygal.DateLine(**_config(title), range=y_range, y_title=y_title)
    for name, points in lines:
        chart.add(name, [(day, value) for day, value in points])
    return _accessible(chart.render(), title, description)


def period_lines(
    title: str,
    description: str,
    labels: Sequence[str],
    lines: Sequence[tuple[str, Sequence[float | None]]],
    *,
    y_range: tuple[float, float] | None = None,
    y_title: str | None = None,
) -> bytes:
    """One line per series over labelled periods (a scorecard trend); a missing value leaves a gap."""
    chart = pygal.Line(**_config(title), range=y_range, y_title=y_title, allow_interruptions=True)
    chart.x_labels = list(labels)
    for name, values in lines:
        chart.add(name, list(values))
    return _accessible(chart.render(), title, description)
