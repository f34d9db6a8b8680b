"""Red official seals (公章) on a rendered page, found by colour and shape; the ring text is not read.

An official seal is a red ring 38–45 mm across (oval ones are about 40 × 30 mm) with a star and ring text inside.
What else is red on a submission and must *not* count: a 红头 heading (wide, not round), its red rule (a thin line),
a channel or party emblem (small, usually a filled disc), red handwriting or underlines (not round). So a candidate
must be, in this order:

1. **red**: R ≥ 110 and R exceeds G by 50 and B by 40 (scanner red varies from crimson to orange-pink; black text
   under a seal is dark in every channel and is not red);
2. **one blob of seal size**: after closing gaps of about 1 mm (text crossing the ring cuts it), a connected red
   region whose box is 22–75 mm on each side with an aspect ratio of 0.65–1.55;
3. **a ring**: red found in at least :data:`MIN_RIM_COVERAGE` of 36 angular sectors of the box's inscribed ellipse
   near its rim (radius 0.82–1.05), while the inside is much sparser than the rim (a filled disc is not a seal).

Measured on generated pages (``bench/results/seals.md``): seals at 150–300 dpi, rotated, blurred, over text; and red
headings, rules and emblems that must not count. Trade-off: a big red *ring-shaped* logo would count; that is rare
on the forms these calls ask to be stamped, and a false "seal found" costs less than a false "seal missing".
"""

from __future__ import annotations

from dataclasses import dataclass

SEAL_DPI = 100  # pages are analysed at this resolution: a 40 mm seal is 157 px across, plenty for its shape
MIN_MM, MAX_MM = 22.0, 75.0
MIN_ASPECT, MAX_ASPECT = 0.65, 1.55
MIN_RIM_COVERAGE = 0.75  # share of the 36 sectors with red on the rim
MAX_INSIDE_TO_RIM = 0.6  # inside density / rim density; a filled disc is ~1


@dataclass(slots=True)
class SealMark:
    x0: float  # PDF points, top-left origin
    top: float
    x1: float
    bottom: float
    rim_coverage: float  # 0–1

    def as_dict(self) -> dict:
        return {
            "bbox": [round(v, 1) for v in (self.x0, self.top, self.x1, self.bottom)],
            "rim_coverage": round(self.rim_coverage, 2),
        }


def red_mask(image):
    """Boolean array: the pixels of ``image`` (RGB) that are seal red."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r >= 110) & (r - g >= 50) & (r - b >= 40)


def find_seals(image, *, dpi: float) -> list[SealMark]:
    """Seal-like red rings on a rendered page, as boxes in PDF points."""
    import numpy as np
    from scipy import ndimage

    if dpi > SEAL_DPI:
        factor = SEAL_DPI / dpi
        image = image.resize((max(1, round(image.width * factor)), max(1, round(image.height * factor))))
        dpi = SEAL_DPI
    mask = red_mask(image)
    if mask.sum() < 50:
        return []
    px_per_mm = dpi / 25.4
    closed = ndimage.binary_closing(mask, structure=np.ones((3, 3), bool), iterations=max(1, round(px_per_mm / 2)))
    labels, _ = ndimage.label(closed)
    seals = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None or not _seal_sized(box, px_per_mm):
            continue
        coverage = _ring_coverage(mask[box] & (labels[box] == index))
        if coverage is not None:
            to_pt = 72 / dpi
            seals.append(
                SealMark(box[1].start * to_pt, box[0].start * to_pt, box[1].stop * to_pt, box[0].stop * to_pt, coverage)
            )
    return seals


def _seal_sized(box, px_per_mm: float) -> bool:
    height = (box[0].stop - box[0].start) / px_per_mm
    width = (box[1].stop - box[1].start) / px_per_mm
    return MIN_MM <= width <= MAX_MM and MIN_MM <= height <= MAX_MM and MIN_ASPECT <= width / height <= MAX_ASPECT


def _ring_coverage(patch) -> float | None:
    """Rim coverage when ``patch`` (the blob's own red pixels) looks like a ring, else None."""
    import numpy as np

    h, w = patch.shape
    ys, xs = np.nonzero(patch)
    if len(xs) == 0:
        return None
    cy, cx, a, b = (h - 1) / 2, (w - 1) / 2, w / 2, h / 2
    dx, dy = (xs - cx) / a, (ys - cy) / b
    rho = np.hypot(dx, dy)
    on_rim = (rho >= 0.82) & (rho <= 1.05)
    sectors = np.unique(((np.arctan2(dy[on_rim], dx[on_rim]) + np.pi) / (2 * np.pi) * 36).astype(int) % 36)
    coverage = len(sectors) / 36
    grid_y, grid_x = np.mgrid[0:h, 0:w]
    grid_rho = np.hypot((grid_x - cx) / a, (grid_y - cy) / b)
    rim_area = max(int(((grid_rho >= 0.82) & (grid_rho <= 1.05)).sum()), 1)
    inside_area = max(int((grid_rho < 0.75).sum()), 1)
    rim_density = on_rim.sum() / rim_area
    inside_density = (rho < 0.75).sum() / inside_area
    if coverage < MIN_RIM_COVERAGE or rim_density < 0.2 or inside_density > MAX_INSIDE_TO_RIM * rim_density:
        return None
    return float(coverage)
