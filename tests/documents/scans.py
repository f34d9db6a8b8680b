"""Generated "scans": pages of Chinese text drawn as pixels, with the defects of a real scanner, and image-only PDFs.

Shared by the OCR / seal / consistency tests and by ``bench/ocr.py`` and ``bench/seals.py``. Everything is made in
code from our own sentences; nothing here comes from the real case write-ups.

- :func:`scan_text` — deterministic Chinese prose (our own sentences, with figures such as 12.6万户 and 35%).
- :func:`page_image` — one A4 page at ``dpi`` with lines of text in WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``),
  then optional marks (a red official seal over the text, a small red logo, a red 红头 heading with its rule),
  a slight rotation, blur and sensor noise, the way a flatbed scanner leaves a page.
- :func:`scan_pdf` — pages of such images as an image-only PDF (no text layer), as a scanner writes it.

Seals are drawn the way official seals look: a red ring about 42 mm across, a five-pointed star, and ring text; they
are multiplied over the page, so the text under a seal stays dark (as ink under a stamp does).
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
MM_PER_INCH = 25.4
A4_MM = (210.0, 297.0)
SEAL_RED = (214, 32, 38)

_SENTENCES = [
    "本台依托融媒体中心建设统一指挥调度平台，打通策划、采集、编辑、发布全流程。",
    "截至2023年底，客户端下载量达到126万次，日均活跃用户4.8万人，同比增长35%。",
    "我们组建了由42名骨干组成的专班，按周复盘传播数据，及时调整选题方向。",
    "平台接入政务服务事项218项，群众办事平均用时由3天缩短到半天。",
    "全年推出短视频2860条，总播放量超过3.6亿次，其中单条最高播放量达到1200万次。",
    "项目总投入680万元，其中设备采购占45%，内容生产占30%，运营推广占25%。",
    "在乡村振兴报道中，记者深入一线采访，形成系列报道17组，获得省级奖项3项。",
    "通过有线电视网络与五代移动通信协同，覆盖全市9个县区、1300余个行政村。",
    "下一步将完善考核激励机制，推动优质内容向移动端汇聚，提升传播效能。",
    "用户满意度调查回收有效问卷5120份，满意率为96.2%，较上年提高4.1个百分点。",
    "智慧广电平台为独居老人提供紧急呼叫服务，累计响应求助信息860余次。",
    "我们把经验总结为三条：坚持内容为本，坚持技术赋能，坚持用户导向。",
    "发展中遇到的主要困难是专业人才不足和运营资金紧张，已通过校企合作缓解。",
    "广告经营收入达到1580万元，新媒体收入占比首次超过传统业务。",
    "节目在春节期间连续播出15天，带动本地农产品线上销售额2300万元。",
]


def scan_text(n_sentences: int, *, seed: int = 0) -> list[str]:
    """Paragraphs of our own sentences (3 sentences each), deterministic for a seed."""
    rng = random.Random(seed)
    picked = [rng.choice(_SENTENCES) for _ in range(n_sentences)]
    return ["".join(picked[i : i + 3]) for i in range(0, len(picked), 3)]


@dataclass(frozen=True)
class ScanStyle:
    dpi: int = 200
    rotate: float = 0.0  # degrees, positive is counter-clockwise
    blur: float = 0.0  # Gaussian radius in pixels
    noise: float = 0.0  # standard deviation of grey noise, 0–255
    font_pt: float = 12.0
    seal: bool = False  # a red official seal over the text
    seal_at: tuple[float, float] = (130.0, 200.0)  # seal centre in mm from the top-left corner
    seal_mm: float = 42.0
    logo: bool = False  # a small filled red emblem in the top-left corner (must not count as a seal)
    red_heading: str | None = None  # a 红头 title in large red characters with a red rule (must not count)


def _font(size_px: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_PATH), size_px, index=0)


def _mm(value: float, dpi: int) -> int:
    return round(value / MM_PER_INCH * dpi)


def _wrap(text: str, font, width_px: int, *, indent: bool = True) -> list[str]:
    lines, line = [], "\u3000\u3000" if indent else ""
    for char in text:
        if font.getlength(line + char) > width_px:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def page_image(paragraphs: list[str], style: ScanStyle = ScanStyle(), *, title: str | None = None):
    """One scanned A4 page (``PIL.Image`` RGB) with ``paragraphs`` set in 12 pt and the marks of ``style``."""
    from PIL import Image, ImageDraw, ImageFilter

    dpi = style.dpi
    size = (_mm(A4_MM[0], dpi), _mm(A4_MM[1], dpi))
    page = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(page)
    left, top, width = _mm(25, dpi), _mm(30, dpi), size[0] - 2 * _mm(25, dpi)
    if style.red_heading:
        top = _draw_red_heading(draw, style.red_heading, dpi, size[0])
    body = _font(round(style.font_pt / 72 * dpi))
    step = round(style.font_pt / 72 * dpi * 1.6)
    y = top
    if title:
        heading = _font(round(16 / 72 * dpi))
        draw.text(((size[0] - heading.getlength(title)) / 2, y), title, font=heading, fill="black")
        y += round(16 / 72 * dpi * 2)
    for paragraph in paragraphs:
        for line in _wrap(paragraph, body, width):
            if y + step > size[1] - _mm(20, dpi):
                break
            draw.text((left, y), line, font=body, fill=(20, 20, 20))
            y += step
    if style.logo:
        _draw_logo(page, dpi)
    if style.seal:
        page = _stamp(page, style)
    if style.rotate:
        page = page.rotate(style.rotate, resample=Image.BICUBIC, expand=False, fillcolor="white")
    if style.blur:
        page = page.filter(ImageFilter.GaussianBlur(style.blur))
    if style.noise:
        page = _add_noise(page, style.noise)
    return page


def _draw_red_heading(draw, text: str, dpi: int, page_width: int) -> int:
    """A 红头 (red-letter heading) such as “某某广播电视局文件” and the red rule under it; returns the y below it."""
    font = _font(round(26 / 72 * dpi))
    y = _mm(25, dpi)
    draw.text(((page_width - font.getlength(text)) / 2, y), text, font=font, fill=SEAL_RED)
    rule_y = y + round(26 / 72 * dpi * 1.6)
    draw.rectangle([_mm(20, dpi), rule_y, page_width - _mm(20, dpi), rule_y + max(2, _mm(0.8, dpi))], fill=SEAL_RED)
    return rule_y + _mm(10, dpi)


def _draw_logo(page, dpi: int) -> None:
    """A channel emblem: a filled red disc 14 mm across with a white letter, top-left."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(page)
    x, y, d = _mm(12, dpi), _mm(8, dpi), _mm(14, dpi)
    draw.ellipse([x, y, x + d, y + d], fill=SEAL_RED)
    draw.text((x + d * 0.28, y + d * 0.12), "台", font=_font(round(d * 0.6)), fill="white")


def seal_image(diameter_px: int, *, text: str = "某某县融媒体中心", seed: int = 0):
    """An official seal alone on white (``PIL.Image`` RGB): ring, star, ring text; slightly uneven ink."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    size = diameter_px
    seal = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(seal)
    ring = max(2, size // 28)
    draw.ellipse([ring // 2, ring // 2, size - ring // 2 - 1, size - ring // 2 - 1], outline=SEAL_RED, width=ring)
    _draw_star(draw, size / 2, size / 2, size * 0.17)
    glyph = _font(max(8, round(size * 0.12)))
    radius, n = size * 0.36, len(text)
    for i, char in enumerate(text):
        angle = math.radians(210 - i * 240 / max(n - 1, 1))
        gx, gy = size / 2 + radius * math.cos(angle), size / 2 - radius * math.sin(angle)
        tile = Image.new("L", (glyph.size * 2, glyph.size * 2), 0)
        ImageDraw.Draw(tile).text((glyph.size / 2, glyph.size / 2), char, font=glyph, fill=255)
        tile = tile.rotate(math.degrees(angle) - 90, resample=Image.BICUBIC)
        seal.paste(
            Image.new("RGB", tile.size, SEAL_RED), (round(gx - tile.width / 2), round(gy - tile.height / 2)), tile
        )
    for _ in range(size // 3):  # uneven ink: small white specks
        x, y = rng.randrange(size), rng.randrange(size)
        draw.point((x, y), fill="white")
    return seal


def _draw_star(draw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.38
        angle = math.radians(90 + k * 36)
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def _stamp(page, style: ScanStyle):
    """Multiply a seal onto the page at ``style.seal_at`` (ink over text: dark stays dark)."""
    from PIL import ImageChops

    dpi = style.dpi
    diameter = _mm(style.seal_mm, dpi)
    seal = seal_image(diameter, seed=int(style.seal_at[0] * 10 + style.seal_at[1]))
    layer = page.copy()
    layer.paste("white", (0, 0, *page.size))
    cx, cy = _mm(style.seal_at[0], dpi), _mm(style.seal_at[1], dpi)
    layer.paste(seal, (cx - diameter // 2, cy - diameter // 2))
    return ImageChops.multiply(page, layer)


def _add_noise(page, sigma: float):
    import numpy as np
    from PIL import Image

    array = np.asarray(page, dtype=np.float32)
    noise = np.random.default_rng(0).normal(0, sigma, array.shape[:2])[..., None]
    return Image.fromarray(np.clip(array + noise, 0, 255).astype(np.uint8))


def scan_pdf(images: list, *, dpi: int = 200, path: str | Path | None = None) -> bytes:
    """An image-only PDF, one JPEG page per image at its scan resolution (what a scanner's "scan to PDF" writes)."""
    buffer = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=float(dpi), quality=88)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def scanned_pages_pdf(pages: list[list[str]], style: ScanStyle = ScanStyle(), **kwargs) -> bytes:
    """Shortcut: one scanned page per list of paragraphs, all in ``style``."""
    return scan_pdf([page_image(paragraphs, style) for paragraphs in pages], dpi=style.dpi, **kwargs)
