"""The timeline widget: row headers, the canvas, and scroll bars kept in step with zoom and scroll."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QGridLayout, QScrollBar, QWidget

from vidmeta.domain import TierKind
from vidmeta.gui.timeline.canvas import TimelineCanvas
from vidmeta.gui.timeline.rows import FIXED_ROWS, RowKind

HEADER_WIDTH = 170
_KIND_BADGE = {TierKind.ANNOTATION: "", TierKind.SUGGESTION: "model", TierKind.SUBTITLE: "subs",
               TierKind.CHAPTER: "chapters", TierKind.REJECTED: "rejected"}


class TimelineHeader(QWidget):
    """Row titles; a click makes a tier current, a double click asks to rename it."""

    tierClicked = Signal(str)
    renameRequested = Signal(str)
    contextMenuRequested = Signal(QPoint)

    def __init__(self, canvas: TimelineCanvas, parent: QWidget | None = None):
        super().__init__(parent)
        self._canvas = canvas
        self.setFixedWidth(HEADER_WIDTH)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Window))
        fixed = self._canvas.fixed_height()
        bold = QFont(p.font())
        bold.setBold(True)
        for clip_fixed in (False, True):
            p.save()
            if not clip_fixed:
                p.setClipRect(QRectF(0, fixed, self.width(), self.height() - fixed))
            for row in self._canvas.rows:
                if (row.kind in FIXED_ROWS) != clip_fixed:
                    continue
                r = self._canvas.row_rect(row)
                r.setWidth(self.width())
                current = row.tier_id is not None and row.tier_id == self._canvas.current_tier
                if current:
                    p.fillRect(r, pal.color(QPalette.ColorRole.Highlight))
                elif row.kind in FIXED_ROWS:
                    p.fillRect(r, pal.color(QPalette.ColorRole.Button))
                p.setPen(pal.color(QPalette.ColorRole.HighlightedText if current else QPalette.ColorRole.WindowText))
                p.setFont(bold if current else self.font())
                text_rect = r.adjusted(8, 0, -6, 0)
                badge = _KIND_BADGE.get(row.tier_kind, "") if row.kind == RowKind.TIER else (
                    "read only" if row.kind in (RowKind.CUES, RowKind.CHAPTERS) else "")
                title = p.fontMetrics().elidedText(row.title, Qt.TextElideMode.ElideRight,
                                                   int(text_rect.width()) - (50 if badge else 0))
                p.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
                if badge:
                    small = QFont(self.font())
                    small.setPointSizeF(max(6.5, small.pointSizeF() * 0.8))
                    p.setFont(small)
                    color = QColor(p.pen().color())
                    color.setAlpha(170)
                    p.setPen(color)
                    p.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, badge)
                p.setPen(pal.color(QPalette.ColorRole.Mid))
                p.drawLine(r.bottomLeft(), r.bottomRight())
            p.restore()
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.drawLine(self.width() - 1, 0, self.width() - 1, self.height())

    def _tier_at(self, y: float) -> str | None:
        row = self._canvas.row_at(y)
        return row.tier_id if row is not None else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        tier_id = self._tier_at(event.position().y())
        if tier_id is not None:
            self.tierClicked.emit(tier_id)
        if event.button() == Qt.MouseButton.RightButton:
            self.contextMenuRequested.emit(event.globalPosition().toPoint())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        tier_id = self._tier_at(event.position().y())
        if tier_id is not None:
            self.renameRequested.emit(tier_id)

    def wheelEvent(self, event) -> None:
        self._canvas.set_v_offset(int(self._canvas.v_offset - event.angleDelta().y() / 120 * 34))


class TimelineView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = TimelineCanvas(self)
        self.header = TimelineHeader(self.canvas, self)
        self.hbar = QScrollBar(Qt.Orientation.Horizontal, self)
        self.vbar = QScrollBar(Qt.Orientation.Vertical, self)
        self.follow_playhead = True
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(self.header, 0, 0)
        grid.addWidget(self.canvas, 0, 1)
        grid.addWidget(self.vbar, 0, 2)
        grid.addWidget(self.hbar, 1, 1)
        self._syncing = False
        self.canvas.viewChanged.connect(self._sync_bars)
        self.canvas.viewChanged.connect(self.header.update)
        self.canvas.currentTierChanged.connect(lambda _t: self.header.update())
        self.canvas.selectionChanged.connect(self.header.update)
        self.header.tierClicked.connect(self.canvas.set_current_tier)
        self.hbar.valueChanged.connect(self._on_hbar)
        self.vbar.valueChanged.connect(self._on_vbar)

    def zoom(self, factor: float) -> None:
        """Zoom around the playhead when it is on screen, else around the centre."""
        x = self.canvas.scale.x_of(self.canvas.playhead)
        anchor = x if 0 <= x <= self.canvas.width() else self.canvas.width() / 2
        self.canvas.scale.zoom(factor, anchor)
        self.canvas.update()
        self._sync_bars()

    def zoom_fit(self) -> None:
        self.canvas.scale.fit()
        self.canvas.update()
        self._sync_bars()

    def set_playhead(self, t: float, *, playing: bool = False) -> None:
        self.canvas.set_playhead(t)
        if playing and self.follow_playhead and self.canvas.scale.ensure_visible(t):
            self._sync_bars()
            self.canvas.update()

    def _sync_bars(self) -> None:
        scale = self.canvas.scale
        self._syncing = True
        try:
            self.hbar.setRange(0, int(round(scale.max_offset * 1000)))
            self.hbar.setPageStep(max(1, int(scale.visible_seconds * 1000)))
            self.hbar.setSingleStep(max(1, int(scale.visible_seconds * 100)))
            self.hbar.setValue(int(round(scale.offset * 1000)))
            self.vbar.setRange(0, self.canvas.max_v_offset())
            self.vbar.setPageStep(max(1, self.canvas.height()))
            self.vbar.setValue(self.canvas.v_offset)
            self.vbar.setVisible(self.canvas.max_v_offset() > 0)
        finally:
            self._syncing = False
        self.header.update()

    def _on_hbar(self, value: int) -> None:
        if not self._syncing:
            self.canvas.scale.set_offset(value / 1000.0)
            self.canvas.update()

    def _on_vbar(self, value: int) -> None:
        if not self._syncing:
            self.canvas.set_v_offset(value)
