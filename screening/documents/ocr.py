"""OCR of scanned PDF pages: render with pdfium, drop the red ink, read with Tesseract (``chi_sim``), keep geometry.

Why Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-chi-sim``, driven as a subprocess): on generated scans
(150–300 dpi, 0.8–1.5° rotation, blur, noise, a red seal over the text) it read 1.3–2.2 % character error rate at
2.3–2.8 s of CPU per page, single-threaded; RapidOCR 3.10 (PP-OCRv6, ONNX models inside its wheel) read better
(≈0 %) but needed 11–16 s of CPU per page, four times the 4 s budget (``bench/results/ocr.md``). Tesseract also
runs as its own process, so the worker's deadline can kill it, and it adds no Python dependency.

What the pipeline does per page:

1. Render the page with pypdfium2 at :data:`OCR_DPI` (200: the scans' own resolution range; 300 dpi cost 10 % more
   time for the same error rate).
2. Keep the **red channel** as the grey image. Red seal ink is bright in the red channel and vanishes, while black
   text stays black (also where the seal was stamped over it: ink over ink is dark in every channel). Without this
   step the seal destroyed the lines under it (10–12 % character error rate on the same pages).
3. ``tesseract - stdout -l chi_sim --psm 6 tsv``: one row per word with its box and confidence (0–100). ``--psm 6``
   (one uniform block of text) read 12 % vs 34 % error for the automatic layout on seal pages before step 2.
4. Words are grouped into lines (Tesseract's block/paragraph/line numbers) and returned as ``PdfLine`` objects in
   PDF points, so ``screening.documents.pdf`` lays scanned pages out exactly like text pages (indent = new
   paragraph, a short last line ends one). Words below :data:`MIN_WORD_CONFIDENCE` are dropped as speckle.

The page confidence is the mean word confidence weighted by characters; a page below
:data:`LOW_CONFIDENCE` is flagged in the report (``screening.checks.scan``).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

log = logging.getLogger(__name__)

OCR_DPI = 200
MAX_RENDER_PIXELS = 36_000_000  # one rendered page, ~108 MB as RGB: A2 at 200 dpi fits
LANGUAGE = "chi_sim"
MIN_WORD_CONFIDENCE = 20.0  # below this a "word" is a speck, a seal fragment or a smudge
LOW_CONFIDENCE = 70.0  # measured: clean scans 85–93, heavy blur (radius 2.5 px at 200 dpi) under 65
MIN_PAGE_CHARS = 2  # fewer recognised characters than this and the page counts as unreadable


@dataclass(slots=True)
class OcrLine:
    text: str
    x0: float  # PDF points, top-left origin like pdfplumber
    x1: float
    top: float
    bottom: float
    confidence: float


@dataclass(slots=True)
class OcrResult:
    lines: list[OcrLine]
    confidence: float  # mean word confidence, weighted by characters; 0 when nothing was read
    chars: int


@functools.lru_cache(maxsize=1)
def engine() -> str | None:
    """A short description of the OCR engine (``"tesseract 5.3.0 chi_sim"``), or None when it cannot run here.

    Checked once per process: the binary on the PATH and the Chinese language data installed. A missing engine is
    logged; scanned pages are then refused with a message naming the missing Debian packages.
    """
    binary = shutil.which("tesseract")
    if binary is None:
        log.warning("OCR unavailable: tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
        return None
    try:
        langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=20).stdout
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("OCR unavailable: tesseract does not run (%s)", error)
        return None
    if LANGUAGE not in langs.split():
        log.warning("OCR unavailable: tesseract has no %s data (Debian: tesseract-ocr-chi-sim)", LANGUAGE)
        return None
    first = (version.splitlines() or ["tesseract"])[0].strip()
    return f"{first} {LANGUAGE}"


def render_page(pdf_page, dpi: int = OCR_DPI):
    """A pypdfium2 page as ``(RGB PIL.Image, dpi used)``: ``dpi`` unless the page is so large that the bitmap would
    pass :data:`MAX_RENDER_PIXELS`, then the dpi that fits. A page's MediaBox is the sender's to write: a fuzzed one
    asked pdfium for a 2.7 GB bitmap (fuzz finding 9); A2 at 200 dpi still renders at full resolution."""
    width, height = (max(float(side), 1.0) for side in pdf_page.get_size())
    fitting = 72 * (MAX_RENDER_PIXELS / (width * height)) ** 0.5
    used = min(float(dpi), fitting)
    return pdf_page.render(scale=used / 72).to_pil().convert("RGB"), used


def without_red(image):
    """The red channel as a grey image: red seal ink disappears, black text stays (see the module docstring)."""
    return image.getchannel("R")


def recognise(image, *, dpi: int = OCR_DPI, timeout: float = 30.0) -> OcrResult:
    """Read one rendered page; raises ``subprocess.TimeoutExpired`` past ``timeout`` (the process is killed)."""
    import io

    buffer = io.BytesIO()
    without_red(image).save(buffer, format="PNG")
    tsv = subprocess.run(
        ["tesseract", "-", "stdout", "-l", LANGUAGE, "--psm", "6", "tsv"],
        input=buffer.getvalue(),
        capture_output=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one thread: measured no faster with two on a shared 2-core box
    ).stdout.decode("utf-8", errors="replace")
    return parse_tsv(tsv, scale=72 / dpi)


def parse_tsv(tsv: str, *, scale: float) -> OcrResult:
    """Tesseract's TSV as lines in PDF points (``scale`` = points per pixel), speckle words dropped."""
    lines: dict[tuple[str, str, str], list[tuple[str, float, float, float, float, float]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":  # level 5 = word
            continue
        text, confidence = cells[11].strip(), _float(cells[10])
        if not text or confidence < MIN_WORD_CONFIDENCE:
            continue
        left, top, width, height = (_float(v) * scale for v in cells[6:10])
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(
            (text, left, left + width, top, top + height, confidence)
        )
    result, weighted, chars = [], 0.0, 0
    for words in lines.values():
        words.sort(key=lambda w: w[1])
        text = tidy_punctuation(" ".join(w[0] for w in words))
        n = sum(len(w[0]) for w in words)
        line_conf = sum(len(w[0]) * w[5] for w in words) / n
        result.append(
            OcrLine(
                text,
                min(w[1] for w in words),
                max(w[2] for w in words),
                min(w[3] for w in words),
                max(w[4] for w in words),
                line_conf,
            )
        )
        weighted += line_conf * n
        chars += n
    result.sort(key=lambda line: (line.top, line.x0))
    return OcrResult(result, weighted / chars if chars else 0.0, chars)


_CJK = "\u3400-\u9fff\uff01-\uff60\u3001-\u303f"
_SPACED_PUNCT = re.compile(r"\s+([,:;!?，。：；！？、%）)])")
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_HALF_PUNCT_NEAR_CJK = re.compile(rf"(?<=[{_CJK}%\d])([,:;!?])(?=[{_CJK}])|(?<=[{_CJK}])([,:;!?])")


def tidy_punctuation(text: str) -> str:
    """Tesseract reads Chinese commas and colons as separate ASCII "words" (``45% , 内容``): drop the space before
    punctuation and write it full-width next to Chinese (``45%，内容``; the space after goes in
    ``normalize.join_pdf_spaces``); ``1,200`` between digits and ``A, B`` are left alone."""
    text = _SPACED_PUNCT.sub(r"\1", text)
    return _HALF_PUNCT_NEAR_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0
