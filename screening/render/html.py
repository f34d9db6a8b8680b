"""The report as HTML: a fragment for the web view, and a self-contained page (inline CSS, no scripts, no URLs).

With the screened text, the page shows the material with every evidence span highlighted in place and linked to
its finding; without it, each finding shows its evidence snippets. Everything user-supplied is escaped (jinja2
autoescape): a material is untrusted input.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..report import SEVERITY_LABELS, SEVERITY_ORDER, Report
from .summary import element_rows, headline

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html_body(report: Report, *, text: str | None = None) -> str:
    """The report as an HTML fragment (no <html>/<head>), for embedding in the web page."""
    return _env().get_template("report_body.html.j2").render(**_context(report, text))


def html_page(report: Report, *, text: str | None = None) -> str:
    """A complete, self-contained HTML page around :func:`html_body`."""
    return _env().get_template("report_page.html.j2").render(body=html_body(report, text=text), report=report)


def _context(report: Report, text: str | None) -> dict[str, Any]:
    return {
        "report": report,
        "h": headline(report),
        "elements": element_rows(report),
        "severity_labels": SEVERITY_LABELS,
        "segments": highlighted_segments(report, text) if text else None,
    }


def highlighted_segments(report: Report, text: str) -> list[dict[str, Any]]:
    """``text`` cut at every evidence boundary; each piece carries the findings whose evidence covers it.

    A piece covered by several findings takes the most severe one's colour and links to all of them.
    """
    spans = [
        (s.start, s.end, i)
        for i, f in enumerate(report.findings)
        for s in f.evidence
        if 0 <= s.start < s.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    segments = []
    for a, b in zip(cuts, cuts[1:]):
        covering = sorted({i for s, e, i in spans if s <= a and b <= e})
        severity = min((report.findings[i].severity for i in covering), key=SEVERITY_ORDER.get, default=None)
        segments.append({"text": text[a:b], "findings": [i + 1 for i in covering], "severity": severity})
    return segments
