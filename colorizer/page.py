"""A photo of a drawing on a table, straightened: find the sheet of paper and square it up.

A phone photo of line art usually shows the table around the sheet and looks at it at an angle. The
table would become a black frame in the sketch, and the angle skews the drawing. :func:`find_page` finds
a sheet whose colour differs from the table around it and whose outline is a quadrilateral;
:func:`straighten_page` maps it to an upright rectangle of the sheet's own proportions (a perspective
warp), so the sheet fills the picture.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from .images import fitted_size

PAGE_SIDE = 512  # corners are placed on a copy with this long side
SEGMENT_SIDE = 256  # the sheet is told from the table on a copy with this long side
PAGE_AREA = (0.15, 0.97)  # share of the picture a sheet covers: smaller is not the drawing, larger needs no crop
PAGE_CONTRAST = 20.0  # CIELAB distance (L in 0-255) between the sheet's median colour and its surroundings'
PAGE_FIT = 0.96  # intersection over union of the sheet's shape and its four corners' outline (a sheet, not a blob)
PAGE_INSET = 0.01  # each corner moves this share of the way to the sheet's centre: its edge does not show
WHITE_BORDER = 230.0  # a picture whose border is this light (CIELAB L, 0-255) and grey is a scan, not a table


def find_page(image: Image.Image) -> np.ndarray | None:
    """The corners of a sheet of paper photographed on a table, or None where there is none.

    The sheet is first taken as what differs in colour from the picture's border (the table), then its outline
    is settled by GrabCut, so a shaded side of the sheet stays paper; its four corners are then placed to a
    fraction of a pixel on a PAGE_SIDE copy.

    Args:
        image: the picture, any mode.
    Returns:
        float32 (4, 2) corners (x, y), each a share of the picture's width and height (0-1), in the order
        top-left, top-right, bottom-right, bottom-left, moved PAGE_INSET towards the centre; None when no
        shape fitting four corners (PAGE_FIT) covers PAGE_AREA of the picture and differs in colour by
        PAGE_CONTRAST from its surroundings (a scan, digital line art or a picture without a sheet in it).
    """
    rgb = np.asarray(image.convert("RGB"))
    small = _shrunk(rgb, SEGMENT_SIDE)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).astype(np.float32)
    table = _border_colour(lab)
    if table[0] >= WHITE_BORDER and np.hypot(table[1] - 128, table[2] - 128) <= 10:
        return None  # white paper to the edges: a scan or digital line art
    quad = _sheet_outline(small, lab, table)
    if quad is None or not _stands_out(lab, quad):
        return None
    return inset(_sharpened(_shrunk(rgb, PAGE_SIDE), quad / np.array(small.shape[1::-1], np.float32)))


def inset(corners: np.ndarray) -> np.ndarray:
    """float32 (4, 2) ``corners`` each moved PAGE_INSET of the way to their centre, so the sheet's edge (and a
    sliver of table) does not show once straightened."""
    return (corners + PAGE_INSET * (corners.mean(axis=0) - corners)).astype(np.float32)


def _shrunk(pixels: np.ndarray, side: int) -> np.ndarray:
    """``pixels`` (uint8 (h, w) or (h, w, 3)) with the long side at most ``side``, by area averaging."""
    scale = side / max(pixels.shape[:2])
    if scale >= 1:
        return pixels
    size = (max(1, round(pixels.shape[1] * scale)), max(1, round(pixels.shape[0] * scale)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)


def _border_colour(lab: np.ndarray) -> np.ndarray:
    """The median colour (float32 (3,), CIELAB with L in 0-255) of the outer 3 % (at least 2 px) of ``lab``
    (float32 (h, w, 3)): the table's, in a photo of a sheet on one."""
    band = max(2, round(0.03 * min(lab.shape[:2])))
    border = np.concatenate([lab[:band].reshape(-1, 3), lab[-band:].reshape(-1, 3),
                             lab[:, :band].reshape(-1, 3), lab[:, -band:].reshape(-1, 3)])
    return np.median(border, axis=0)


def _sheet_outline(rgb: np.ndarray, lab: np.ndarray, table: np.ndarray) -> np.ndarray | None:
    """float32 (4, 2) ordered corners, in ``rgb``'s pixels (uint8 (h, w, 3); ``lab`` its CIELAB, float32), of the
    sheet told from the table by :func:`_sheet_mask`, when its outline is a quadrilateral (PAGE_FIT) covering
    PAGE_AREA of the picture; else None."""
    contours, _ = cv2.findContours(_sheet_mask(rgb, lab, table), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    quad = _four_corners(outline)
    if quad is None or not PAGE_AREA[0] <= cv2.contourArea(outline) / rgb[..., 0].size <= PAGE_AREA[1]:
        return None
    shape, corners = np.zeros(rgb.shape[:2], np.uint8), np.zeros(rgb.shape[:2], np.uint8)
    cv2.drawContours(shape, [outline], -1, 1, cv2.FILLED)
    cv2.fillConvexPoly(corners, np.round(quad).astype(np.int32), 1)
    return quad if (shape & corners).sum() >= PAGE_FIT * (shape | corners).sum() else None


def _sheet_mask(rgb: np.ndarray, lab: np.ndarray, table: np.ndarray) -> np.ndarray:
    """uint8 (h, w) 255 on the sheet. Pixels of ``rgb`` further in CIELAB (``lab``) from the ``table``'s colour than
    the distance Otsu's method picks seed GrabCut as probably paper, the rest as probably table, the 2 px border as
    table; four rounds of GrabCut then settle the sheet's outline."""
    distance = np.linalg.norm(lab - table, axis=2)
    distance = cv2.GaussianBlur(np.clip(distance, 0, 255).astype(np.uint8), (5, 5), 0)
    _, far = cv2.threshold(distance, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    labels = np.where(far > 0, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    labels[:2], labels[-2:], labels[:, :2], labels[:, -2:] = cv2.GC_BGD, cv2.GC_BGD, cv2.GC_BGD, cv2.GC_BGD
    if min(rgb.shape[:2]) > 8 and (labels == cv2.GC_PR_FGD).any() and (labels != cv2.GC_PR_FGD).any():
        models = np.zeros((1, 65)), np.zeros((1, 65))
        cv2.grabCut(np.ascontiguousarray(rgb[..., ::-1]), labels, None, *models, 4, cv2.GC_INIT_WITH_MASK)
    sheet = np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8) * 255
    return cv2.morphologyEx(sheet, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))  # the drawing's lines


def _sharpened(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """float32 (4, 2) ``corners`` (shares of the picture) placed to a fraction of a pixel on ``rgb`` (uint8
    (h, w, 3)) by cv2.cornerSubPix, as shares again; a corner it moves more than 4 px stays where it was."""
    size = np.array(rgb.shape[1::-1], np.float32)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    placed = cv2.cornerSubPix(gray, (corners * size).reshape(-1, 1, 2).copy(), (5, 5), (-1, -1),
                              (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.01)).reshape(4, 2)
    moved = np.linalg.norm(placed - corners * size, axis=1) > 4
    placed[moved] = (corners * size)[moved]
    return placed / size


def _four_corners(outline: np.ndarray) -> np.ndarray | None:
    """The outline's convex hull simplified to four ordered corners (float32 (4, 2)), or None if it has more."""
    hull = cv2.convexHull(outline)
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.01, 0.02, 0.03, 0.04, 0.05):
        corners = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(corners) == 4:
            return order_corners(corners.reshape(4, 2).astype(np.float32))
    return None


def order_corners(corners: np.ndarray) -> np.ndarray:
    """float32 (4, 2) points (x, y) in the order top-left, top-right, bottom-right, bottom-left: clockwise on
    screen, starting from the one nearest the picture's top-left."""
    centre = corners.mean(axis=0)
    angles = np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0])
    clockwise = corners[np.argsort(angles)]
    return np.roll(clockwise, -int(np.argmin(clockwise.sum(axis=1))), axis=0)


def _stands_out(lab: np.ndarray, quad: np.ndarray) -> bool:
    """Whether the median colour inside ``quad`` differs by PAGE_CONTRAST from the median outside it (``lab``: the
    picture in CIELAB, float32 (h, w, 3))."""
    inside = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    if inside.all():
        return False
    medians = [np.median(lab[inside == side], axis=0) for side in (1, 0)]
    return float(np.linalg.norm(medians[0] - medians[1])) >= PAGE_CONTRAST


def check_corners(corners: np.ndarray) -> np.ndarray:
    """``corners`` (float (4, 2) shares of the picture, any order) ordered as :func:`find_page` gives them.

    Raises:
        ValueError: they do not make a convex four-cornered shape covering at least 1 % of the picture.
    """
    corners = order_corners(np.clip(np.asarray(corners, np.float32), 0, 1))
    edges = np.roll(corners, -1, axis=0) - corners
    turns = edges[:, 0] * np.roll(edges, -1, axis=0)[:, 1] - edges[:, 1] * np.roll(edges, -1, axis=0)[:, 0]
    if not (turns > 1e-6).all() or cv2.contourArea(corners) < 0.01:
        raise ValueError("The four corners do not make a sheet: put one handle on each corner of the sheet, "
                         "going round it.")
    return corners


def page_size(size: tuple[int, int], corners: np.ndarray) -> tuple[int, int]:
    """(width, height) of the straightened sheet of a photo of ``size`` (width, height), in that photo's pixels.

    Its height is the sheet's longer left or right edge in the photo; its width keeps the sheet's own proportions,
    worked out from the perspective of a camera looking at the photo's centre (:func:`sheet_aspect`), or, where
    that cannot be told, its longer top or bottom edge.
    """
    points = corners * np.array(size, np.float32)
    side = lambda a, b: float(np.linalg.norm(points[a] - points[b]))
    width, height = max(side(0, 1), side(3, 2)), max(side(0, 3), side(1, 2))
    aspect = sheet_aspect(points - np.array(size, np.float32) / 2, max(size))
    if aspect is not None and 0.5 < aspect / (width / height) < 2:
        width = height * aspect
    return max(1, round(width)), max(1, round(height))


def sheet_aspect(points: np.ndarray, long_side: float) -> float | None:
    """Width / height of the rectangle a camera at the photo's centre saw as ``points`` (float (4, 2) ordered
    corners, (x, y) from the photo's centre), by Zhang and He's whiteboard method; None where the focal
    length it implies is not between 0.3 and 5 times the photo's ``long_side`` (then the perspective is too
    weak to tell)."""
    tl, tr, br, bl = (np.array([x, y, 1.0]) for x, y in points)
    k2 = np.dot(np.cross(tl, br), bl) / np.dot(np.cross(tr, br), bl)
    k3 = np.dot(np.cross(tl, br), tr) / np.dot(np.cross(bl, br), tr)
    n2, n3 = k2 * tr - tl, k3 * bl - tl
    if abs(n2[2] * n3[2]) < 1e-12:
        return None
    focal2 = -(n2[0] * n3[0] + n2[1] * n3[1]) / (n2[2] * n3[2])
    if not (0.3 * long_side) ** 2 < focal2 < (5 * long_side) ** 2:
        return None
    length = lambda n: np.sqrt((n[0] ** 2 + n[1] ** 2) / focal2 + n[2] ** 2)
    return float(length(n2) / length(n3))


def straighten_page(image: Image.Image, corners: np.ndarray, size: tuple[int, int] | None = None,
                    max_side: int | None = None) -> Image.Image:
    """The sheet inside ``corners`` (as :func:`find_page` gives them) warped to an upright rectangle.

    Args:
        image: the photo, RGB or "L".
        corners: float32 (4, 2) shares (0-1) of the photo's width and height, top-left first, clockwise.
        size: (width, height) of the result; None for :func:`page_size`, shrunk to ``max_side`` if given.
    Returns:
        A picture of ``image``'s mode and of ``size``; where it is smaller than the sheet in the photo, the
        photo is first shrunk by area averaging, so fine lines do not alias.
    """
    sheet = page_size(image.size, corners)
    size = size or fitted_size(sheet, max_side or 1 << 30)
    scale = min(1.0, max(size) / max(sheet))
    if scale < 1:
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.BOX)
    source = (np.asarray(corners) * np.array(image.size)).astype(np.float32)
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], np.float32)
    warp = cv2.getPerspectiveTransform(source, target)
    pixels = cv2.warpPerspective(np.asarray(image), warp, size, flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE)
    return Image.fromarray(pixels, image.mode)
