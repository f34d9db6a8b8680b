"""Reports as text for people and programs: ``text`` (terminal, via rich), ``json``, ``md`` and ``html``.

::

    render(report, "html", text=screened_text)   # text: the screened material, to highlight evidence in place

Renderers read only the Report (and, for html/md, optionally the text its offsets index:
``screening.pipeline.material_document(doc, material).text``). The web view reuses :func:`html_body` (a fragment)
and :func:`html_page` (a self-contained page) from ``screening.render.html``.
"""

from __future__ import annotations

from ..report import Report
from .html import html_body, html_page
from .jsonfmt import render_json
from .markdown import render_markdown
from .terminal import render_text

FORMATS = ("text", "json", "md", "html")

render_html = html_page  # the name the batch export looks for: a self-contained page per material


def render(report: Report, fmt: str, *, text: str | None = None, color: bool = False) -> str:
    """One report in one of :data:`FORMATS`."""
    if fmt == "json":
        return render_json(report)
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return html_page(report, text=text)
    if fmt == "text":
        return render_text(report, color=color)
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


__all__ = [
    "FORMATS",
    "html_body",
    "html_page",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
]
