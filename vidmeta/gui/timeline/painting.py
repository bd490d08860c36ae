"""Drawing the timeline's rows. Each function paints one row into its rectangle; colours come from
the widget palette so the timeline follows the system's light or dark theme."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPalette, QPen, QPolygonF

from vidmeta.domain import Segment, TierKind
from vidmeta.gui.timeline.scale import TimeScale, format_time

SHOT_COLOR = QColor("#f28e2b")
PLAYHEAD_COLOR = QColor("#e15759")
MARK_COLOR = QColor("#59a14f")
UNLABELLED = QColor("#8c9bab")
SUBTITLE_COLOR = QColor("#c9a227")
CHAPTER_COLORS = (QColor("#5d7fa3"), QColor("#86a7c9"))
SELECTION_COLOR = QColor("#ffb000")  # amber: stands out against every label colour


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def paint_ruler(p: QPainter, rect: QRectF, scale: TimeScale, pal: QPalette, marks: Sequence[float]) -> None:
    p.fillRect(rect, pal.color(QPalette.ColorRole.Button))
    major, minor = scale.ticks()
    t0 = max(0.0, scale.t_of(0))
    t1 = min(scale.duration, scale.t_of(rect.width()))
    text = pal.color(QPalette.ColorRole.ButtonText)
    p.setPen(QPen(text, 1))
    small = QFont(p.font())
    small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
    p.setFont(small)
    first = math.floor(t0 / minor)
    count = int((t1 - first * minor) / minor) + 1
    for k in range(count + 1):
        t = (first + k) * minor
        if t > t1 + 1e-9:
            break
        x = rect.left() + scale.x_of(t)
        is_major = abs(t / major - round(t / major)) < 1e-6
        h = rect.height() * (0.45 if is_major else 0.2)
        p.drawLine(QLineF(x, rect.bottom() - h, x, rect.bottom()))
        if is_major:
            p.drawText(QPointF(x + 3, rect.top() + 11), format_time(t, step=major))
    p.setPen(QPen(MARK_COLOR, 2))
    for m in marks:
        x = rect.left() + scale.x_of(m)
        p.drawLine(QLineF(x, rect.top() + 2, x, rect.bottom()))
        p.drawLine(QLineF(x, rect.top() + 2, x + 5, rect.top() + 2))
        p.drawLine(QLineF(x, rect.bottom() - 1, x + 5, rect.bottom() - 1))


def paint_thumbnails(p: QPainter, rect: QRectF, scale: TimeScale, thumbs: Sequence[tuple[float, QImage]],
                     pal: QPalette) -> None:
    p.fillRect(rect, pal.color(QPalette.ColorRole.Base).darker(108))
    if not thumbs:
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        p.drawText(rect.adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "Loading frames…")
        return
    first = thumbs[0][1]
    w = max(8.0, rect.height() * first.width() / max(1, first.height()))
    times = [t for t, _ in thumbs]
    end_x = min(rect.width(), scale.x_of(scale.duration))
    x = 0.0
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    while x < end_x:
        t = scale.t_of(x + w / 2)
        i = bisect.bisect_right(times, t) - 1
        image = thumbs[max(0, i)][1]
        p.drawImage(QRectF(rect.left() + x, rect.top() + 1, min(w, end_x - x), rect.height() - 2), image,
                    QRectF(0, 0, image.width() * min(1.0, (end_x - x) / w), image.height()))
        x += w


def waveform_columns(minima: np.ndarray, maxima: np.ndarray, seconds_per_bucket: float, scale: TimeScale,
                     width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pixel column: (x, low, high) over the buckets the column covers."""
    n = len(minima)
    if n == 0 or width <= 0:
        empty = np.zeros(0)
        return empty, empty, empty
    edges = scale.offset + np.arange(width + 1) / scale.pixels_per_second
    idx = np.clip((edges / seconds_per_bucket).astype(np.int64), 0, n)
    starts = idx[:-1]
    valid = starts < n
    starts = starts[valid]
    if len(starts) == 0:
        empty = np.zeros(0)
        return empty, empty, empty
    stop = max(int(idx[1:][valid][-1]), int(starts[-1]) + 1)
    low = np.minimum.reduceat(minima[:stop], starts)
    high = np.maximum.reduceat(maxima[:stop], starts)
    return np.nonzero(valid)[0].astype(np.float64), low, high


def paint_waveform(p: QPainter, rect: QRectF, scale: TimeScale, peaks, pal: QPalette) -> None:
    p.fillRect(rect, pal.color(QPalette.ColorRole.Base))
    mid = rect.center().y()
    p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
    p.drawLine(QLineF(rect.left(), mid, rect.right(), mid))
    if peaks is None:
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        p.drawText(rect.adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "Computing waveform…")
        return
    xs, low, high = waveform_columns(peaks.minima, peaks.maxima, peaks.seconds_per_bucket, scale, int(rect.width()))
    half = rect.height() / 2 - 2
    color = QColor("#4e79a7") if not is_dark(pal) else QColor("#7fb0e0")
    p.setPen(QPen(color, 1))
    lines = [QLineF(rect.left() + x, mid - hi * half, rect.left() + x, mid - lo * half + 0.5)
             for x, lo, hi in zip(xs.tolist(), low.tolist(), high.tolist())]
    p.drawLines(lines)


def paint_shots(p: QPainter, rect: QRectF, scale: TimeScale, shots: Iterable[float]) -> None:
    p.setPen(QPen(SHOT_COLOR, 2))
    for t in shots:
        x = rect.left() + scale.x_of(t)
        if rect.left() <= x <= rect.right():
            p.drawLine(QLineF(x, rect.top(), x, rect.bottom()))


def segment_rect(row_rect: QRectF, scale: TimeScale, start: float, end: float) -> QRectF:
    x0 = rect_x = row_rect.left() + scale.x_of(start)
    x1 = row_rect.left() + scale.x_of(end)
    return QRectF(rect_x, row_rect.top() + 3, max(2.0, x1 - x0), row_rect.height() - 6)


def _caption(seg: Segment, kind: TierKind | None) -> str:
    parts = [x for x in (seg.label, seg.text) if x]
    if kind == TierKind.REJECTED and seg.label:
        parts[0] = f"not {seg.label}"
    text = " · ".join(parts)
    if seg.confidence is not None:
        text = f"{text}  {seg.confidence:.2f}" if text else f"{seg.confidence:.2f}"
    return text


def paint_segments(p: QPainter, row_rect: QRectF, scale: TimeScale, segments: Iterable[Segment],
                   kind: TierKind | None, colors: dict[str, QColor], selected: set[str], pal: QPalette) -> None:
    """One tier's segments; model suggestions are hatched with a dashed outline and show confidence."""
    t0, t1 = scale.t_of(0), scale.t_of(row_rect.width())
    highlight = SELECTION_COLOR
    text_color = QColor("#111111")
    for index, seg in enumerate(segments):
        if seg.end < t0 or seg.start > t1:
            continue
        r = segment_rect(row_rect, scale, seg.start, seg.end)
        if kind == TierKind.SUBTITLE:
            base = SUBTITLE_COLOR
        elif kind == TierKind.CHAPTER:
            base = CHAPTER_COLORS[index % 2]
        else:
            base = colors.get(seg.label, UNLABELLED)
        fill = QColor(base)
        if kind == TierKind.REJECTED:  # greyed and crossed out: what the model must not propose again
            fill.setAlphaF(0.18)
            p.fillRect(r, fill)
            p.fillRect(r, QBrush(QColor(128, 128, 128, 160), Qt.BrushStyle.DiagCrossPattern))
            p.setPen(QPen(base.darker(150), 1.0, Qt.PenStyle.DotLine))
            text_color = pal.color(QPalette.ColorRole.PlaceholderText)
        elif kind == TierKind.SUGGESTION:
            fill.setAlphaF(0.25 + 0.5 * (seg.confidence if seg.confidence is not None else 0.5))
            p.fillRect(r, fill)
            p.fillRect(r, QBrush(base.darker(130), Qt.BrushStyle.BDiagPattern))
            p.setPen(QPen(base.darker(150), 1.2, Qt.PenStyle.DashLine))
            text_color = pal.color(QPalette.ColorRole.Text)
        else:
            p.fillRect(r, fill)
            p.setPen(QPen(base.darker(150), 1))
            text_color = QColor("#111111") if fill.lightness() > 110 else QColor("#f5f5f5")
        p.drawRect(r)
        if seg.id in selected:
            p.setPen(QPen(highlight, 3))
            p.drawRect(r.adjusted(-1, -1, 1, 1))
            # Edge handles: where a drag resizes.
            p.fillRect(QRectF(r.left() - 2, r.top() - 1, 5, r.height() + 2), highlight)
            p.fillRect(QRectF(r.right() - 2, r.top() - 1, 5, r.height() + 2), highlight)
        caption = _caption(seg, kind)
        if caption and r.width() > 18:
            p.setPen(text_color)
            clip = r.adjusted(4, 0, -3, 0).intersected(QRectF(row_rect.left(), r.top(), row_rect.width(), r.height()))
            p.drawText(clip, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       p.fontMetrics().elidedText(caption, Qt.TextElideMode.ElideRight, int(clip.width())))


def paint_playhead(p: QPainter, top: float, bottom: float, x: float) -> None:
    p.setPen(QPen(PLAYHEAD_COLOR, 1.5))
    p.drawLine(QLineF(x, top, x, bottom))
    p.setBrush(PLAYHEAD_COLOR)
    p.setPen(Qt.PenStyle.NoPen)
    p.drawPolygon(QPolygonF([QPointF(x - 6, top), QPointF(x + 6, top), QPointF(x, top + 8)]))
