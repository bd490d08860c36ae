"""The timeline's drawing and mouse surface.

It never edits the document: a drag shows a preview, and on release the canvas asks for the edit by
a signal; the window turns the request into one undo command. So one drag is one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPalette, QWheelEvent
from PySide6.QtWidgets import QToolTip, QWidget

from vidmeta.domain import ProjectDocument, Segment, TierKind
from vidmeta.gui.edits import MIN_SEGMENT
from vidmeta.gui.timeline import painting, speaker_rows
from vidmeta.gui.timeline.drag import Drag, DragMode, preview
from vidmeta.gui.timeline.rows import FIXED_ROWS, Row, RowKind, chapter_segment, cue_segment, layout_rows
from vidmeta.gui.timeline.scale import TimeScale, format_time

EDGE_PX = 6  # how close to a segment's edge a press grabs the edge instead of the body
DRAG_THRESHOLD_PX = 4

class TimelineCanvas(QWidget):
    seekRequested = Signal(float)
    createRequested = Signal(str, float, float)  # tier id, start, end
    moveRequested = Signal(str, list, float)  # tier id, segment ids, delta seconds
    resizeRequested = Signal(str, str, float, float)  # tier id, segment id, start, end
    textEditRequested = Signal(str, str)  # tier id, segment id
    selectionChanged = Signal()
    currentTierChanged = Signal(str)
    contextMenuRequested = Signal(QPoint)  # global position
    viewChanged = Signal()  # zoom, scroll or rows changed

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumHeight(120)
        self.scale = TimeScale()
        self.doc = ProjectDocument()
        self.rows: list[Row] = layout_rows(self.doc)
        self.v_offset = 0
        self.playhead = 0.0
        self.mark_in: float | None = None
        self.thumbnails: list[tuple[float, QImage]] = []
        self.waveform = None
        self.shots: list[float] = []
        self.selected_tier: str | None = None
        self.selected_ids: set[str] = set()
        self.current_tier: str | None = None
        self._show_thumbnails = True
        self._show_waveform = True
        self._drag: Drag | None = None
        self.speaker_rows = None  # SpeakerRowData of the faces-and-speakers analysis, once made

    # Content --------------------------------------------------------------------------------

    def set_document(self, doc: ProjectDocument) -> None:
        self.doc = doc
        tier_ids = {t.id for t in doc.tiers}
        if self.selected_tier not in tier_ids:
            self.selected_tier, self.selected_ids = None, set()
        else:
            alive = {s.id for s in doc.tier(self.selected_tier).segments}
            self.selected_ids &= alive
        if self.current_tier not in tier_ids:
            editable = [t for t in doc.tiers if t.kind == TierKind.ANNOTATION] or list(doc.tiers)
            self.current_tier = editable[0].id if editable else None
        self._relayout()
        self.selectionChanged.emit()

    def set_media_rows(self, *, thumbnails: bool, waveform: bool) -> None:
        self._show_thumbnails, self._show_waveform = thumbnails, waveform
        self._relayout()

    def set_speaker_rows(self, data) -> None:
        """Show (or, with None, remove) the speech activity and face track rows."""
        self.speaker_rows = data
        self._relayout()

    def _relayout(self) -> None:
        tracks = None if self.speaker_rows is None else [(t.track_id, t.title) for t in self.speaker_rows.tracks]
        self.rows = layout_rows(self.doc, show_thumbnails=self._show_thumbnails, show_waveform=self._show_waveform,
                                face_tracks=tracks)
        self.v_offset = min(self.v_offset, self.max_v_offset())
        self.update()
        self.viewChanged.emit()

    def set_duration(self, duration: float) -> None:
        self.scale.set_width(self.width())
        self.scale.set_duration(duration)
        self.update()
        self.viewChanged.emit()

    def set_playhead(self, t: float) -> None:
        self.playhead = t
        self.update()

    def set_mark_in(self, t: float | None) -> None:
        self.mark_in = t
        self.update()

    def set_thumbnails(self, thumbs: list[tuple[float, QImage]]) -> None:
        self.thumbnails = sorted(thumbs, key=lambda x: x[0])
        self.update()

    def set_waveform(self, peaks) -> None:
        self.waveform = peaks
        self.update()

    def set_shots(self, shots: list[float]) -> None:
        self.shots = list(shots)
        self.update()

    # Selection ------------------------------------------------------------------------------

    def select(self, tier_id: str | None, ids: set[str]) -> None:
        self.selected_tier = tier_id if ids else None
        self.selected_ids = set(ids) if tier_id else set()
        if tier_id:
            self.set_current_tier(tier_id)
        self.update()
        self.selectionChanged.emit()

    def clear_selection(self) -> None:
        self.select(None, set())

    def set_current_tier(self, tier_id: str) -> None:
        if tier_id != self.current_tier:
            self.current_tier = tier_id
            self.update()
            self.currentTierChanged.emit(tier_id)

    def selected_segments(self) -> list[Segment]:
        if self.selected_tier is None:
            return []
        return [s for s in self.doc.tier(self.selected_tier).segments if s.id in self.selected_ids]

    # Geometry -------------------------------------------------------------------------------

    def fixed_height(self) -> int:
        return sum(r.height for r in self.rows if r.kind in FIXED_ROWS)

    def content_height(self) -> int:
        return self.rows[-1].bottom if self.rows else 0

    def max_v_offset(self) -> int:
        return max(0, self.content_height() - self.height())

    def set_v_offset(self, offset: int) -> None:
        self.v_offset = max(0, min(offset, self.max_v_offset()))
        self.update()
        self.viewChanged.emit()

    def row_rect(self, row: Row) -> QRectF:
        top = row.top if row.kind in FIXED_ROWS else row.top - self.v_offset
        return QRectF(0, top, self.width(), row.height)

    def row_at(self, y: float) -> Row | None:
        fixed = self.fixed_height()
        for row in self.rows:
            r = self.row_rect(row)
            if row.kind not in FIXED_ROWS and r.top() < fixed and y < fixed:
                continue  # hidden under the fixed rows
            if r.top() <= y < r.bottom():
                return row
        return None

    def tier_row(self, tier_id: str) -> Row | None:
        return next((r for r in self.rows if r.tier_id == tier_id), None)

    def hit(self, pos: QPointF) -> tuple[Row | None, Segment | None, str]:
        """The row, segment and zone ("start", "end", "body" or "") under a point."""
        row = self.row_at(pos.y())
        if row is None or row.kind != RowKind.TIER:
            return row, None, ""
        x = pos.x()
        for seg in reversed(self.doc.tier(row.tier_id).segments):
            x0, x1 = self.scale.x_of(seg.start), self.scale.x_of(seg.end)
            grab = min(EDGE_PX, (x1 - x0) / 3)
            if x0 - EDGE_PX <= x <= x0 + grab:
                return row, seg, "start"
            if x1 - grab <= x <= x1 + EDGE_PX:
                return row, seg, "end"
            if x0 <= x <= x1:
                return row, seg, "body"
        return row, None, ""

    # Painting -------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        colors = {lab.name: QColor(lab.color) for lab in self.doc.labels}
        fixed = self.fixed_height()
        p.save()
        p.setClipRect(QRectF(0, fixed, self.width(), self.height() - fixed))
        for row in self.rows:
            if row.kind not in FIXED_ROWS:
                self._paint_row(p, row, colors, pal)
        p.restore()
        for row in self.rows:
            if row.kind in FIXED_ROWS:
                self._paint_row(p, row, colors, pal)
        end_x = self.scale.x_of(self.scale.duration)
        if end_x < self.width():  # after the end of the video
            p.fillRect(QRectF(end_x, 0, self.width() - end_x, self.height()), pal.color(QPalette.ColorRole.Window))
        painting.paint_playhead(p, 0, self.height(), self.scale.x_of(self.playhead))

    def _paint_row(self, p: QPainter, row: Row, colors: dict[str, QColor], pal: QPalette) -> None:
        r = self.row_rect(row)
        if r.bottom() < 0 or r.top() > self.height():
            return
        if row.kind == RowKind.RULER:
            marks = [self.mark_in] if self.mark_in is not None else []
            painting.paint_ruler(p, r, self.scale, pal, marks)
            painting.paint_shots(p, QRectF(r.left(), r.bottom() - 6, r.width(), 6), self.scale, self.shots)
        elif row.kind == RowKind.THUMBNAILS:
            painting.paint_thumbnails(p, r, self.scale, self.thumbnails, pal)
            painting.paint_shots(p, r, self.scale, self.shots)
        elif row.kind == RowKind.WAVEFORM:
            painting.paint_waveform(p, r, self.scale, self.waveform, pal)
            painting.paint_shots(p, r, self.scale, self.shots)
        elif row.kind == RowKind.AV_SPEECH:
            speaker_rows.paint_av_speech(p, r, self.scale, self.speaker_rows)
        elif row.kind == RowKind.FACE_TRACK:
            speaker_rows.paint_face_track(p, r, self.scale, self.speaker_rows, row.track_id)
        else:
            self._paint_tier_row(p, row, r, colors, pal)
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.drawLine(r.bottomLeft(), r.bottomRight())

    def _paint_tier_row(self, p: QPainter, row: Row, r: QRectF, colors: dict[str, QColor], pal: QPalette) -> None:
        if row.tier_id is not None and row.tier_id == self.current_tier:
            current = QColor(pal.color(QPalette.ColorRole.Highlight))
            current.setAlpha(28)
            p.fillRect(r, current)
        segments, selected = self._row_segments(row)
        kind = row.tier_kind or (TierKind.SUBTITLE if row.kind == RowKind.CUES else TierKind.CHAPTER)
        painting.paint_segments(p, r, self.scale, segments, kind, colors, selected, pal)
        drag = self._drag
        if drag and drag.active and drag.mode == DragMode.CREATE and drag.tier_id == row.tier_id:
            band = painting.segment_rect(r, self.scale, min(drag.start, drag.end), max(drag.start, drag.end))
            p.fillRect(band, QColor(89, 161, 79, 90))
            p.setPen(painting.MARK_COLOR)
            p.drawRect(band)
        if self.mark_in is not None and row.tier_id == self.current_tier:
            lo, hi = sorted((self.mark_in, self.playhead))
            p.fillRect(painting.segment_rect(r, self.scale, lo, max(hi, lo + 1e-3)), QColor(89, 161, 79, 60))

    def _row_segments(self, row: Row) -> tuple[list[Segment], set[str]]:
        if row.kind == RowKind.CUES:
            return [cue_segment(c) for c in self.doc.cues if not c.suspect], set()
        if row.kind == RowKind.CHAPTERS:
            return [chapter_segment(c) for c in self.doc.chapters], set()
        segments = list(self.doc.tier(row.tier_id).segments)
        selected = self.selected_ids if row.tier_id == self.selected_tier else set()
        drag = self._drag
        if drag and drag.active and drag.tier_id == row.tier_id:
            segments = [preview(s, drag) for s in segments]
        return segments, selected

    # Mouse ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        t = self._t_at(pos.x())
        row, seg, zone = self.hit(pos)
        if event.button() == Qt.MouseButton.RightButton:
            if row is not None and row.tier_id and seg is not None and seg.id not in self.selected_ids:
                self.select(row.tier_id, {seg.id})
            self.contextMenuRequested.emit(event.globalPosition().toPoint())
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if row is None or not row.editable:
            self._drag = Drag(DragMode.SEEK, pos.x(), t, active=True)
            self.seekRequested.emit(t)
            return
        self.set_current_tier(row.tier_id)
        mods = event.modifiers()
        if seg is None:
            if not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
                self.clear_selection()
            self._drag = Drag(DragMode.CREATE, pos.x(), t, tier_id=row.tier_id, start=t, end=t)
            return
        if mods & Qt.KeyboardModifier.ControlModifier:
            ids = set(self.selected_ids) if self.selected_tier == row.tier_id else set()
            ids ^= {seg.id}
            self.select(row.tier_id, ids)
            return
        if mods & Qt.KeyboardModifier.ShiftModifier and self.selected_tier == row.tier_id:
            self.select(row.tier_id, self.selected_ids | {seg.id})
        elif not (self.selected_tier == row.tier_id and seg.id in self.selected_ids):
            self.select(row.tier_id, {seg.id})
        mode = {"start": DragMode.RESIZE_START, "end": DragMode.RESIZE_END}.get(zone, DragMode.MOVE)
        ids = set(self.selected_ids) if mode == DragMode.MOVE else {seg.id}
        self._drag = Drag(mode, pos.x(), t, tier_id=row.tier_id, segment=seg, ids=ids, start=seg.start, end=seg.end)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        drag = self._drag
        if drag is None:
            self._update_cursor(pos)
            return
        t = self._t_at(pos.x())
        if not drag.active and abs(pos.x() - drag.press_x) >= DRAG_THRESHOLD_PX:
            drag.active = True
        if not drag.active:
            return
        duration = self.scale.duration
        if drag.mode == DragMode.SEEK:
            self.seekRequested.emit(t)
        elif drag.mode == DragMode.CREATE:
            drag.end = t
        elif drag.mode == DragMode.MOVE:
            moving = [s for s in self.doc.tier(drag.tier_id).segments if s.id in drag.ids]
            lo, hi = min(s.start for s in moving), max(s.end for s in moving)
            drag.delta = min(max(t - drag.press_t, -lo), duration - hi)
        elif drag.mode == DragMode.RESIZE_START:
            drag.start = min(max(0.0, t), drag.segment.end - MIN_SEGMENT)
        elif drag.mode == DragMode.RESIZE_END:
            drag.end = max(min(duration, t), drag.segment.start + MIN_SEGMENT)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if not drag.active:
            if drag.mode in (DragMode.CREATE, DragMode.MOVE):
                self.seekRequested.emit(drag.press_t)  # a click: move the playhead there
            self.update()
            return
        if drag.mode == DragMode.CREATE:
            lo, hi = sorted((drag.start, drag.end))
            if hi - lo >= MIN_SEGMENT:
                self.createRequested.emit(drag.tier_id, lo, hi)
        elif drag.mode == DragMode.MOVE and drag.delta != 0.0:
            self.moveRequested.emit(drag.tier_id, sorted(drag.ids), drag.delta)
        elif drag.mode in (DragMode.RESIZE_START, DragMode.RESIZE_END):
            if (drag.start, drag.end) != (drag.segment.start, drag.segment.end):
                self.resizeRequested.emit(drag.tier_id, drag.segment.id, drag.start, drag.end)
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        row, seg, _zone = self.hit(event.position())
        if row is not None and row.tier_id and seg is not None:
            self.select(row.tier_id, {seg.id})
            self.textEditRequested.emit(row.tier_id, seg.id)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120 or event.angleDelta().x() / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.scale.zoom(1.25 ** steps, event.position().x())
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.set_v_offset(int(self.v_offset - steps * 34))
            return
        else:
            self.scale.set_offset(self.scale.offset - steps * self.scale.visible_seconds / 10)
        self.update()
        self.viewChanged.emit()

    def resizeEvent(self, event) -> None:
        self.scale.set_width(self.width())
        self.v_offset = min(self.v_offset, self.max_v_offset())
        self.viewChanged.emit()
        super().resizeEvent(event)

    def _t_at(self, x: float) -> float:
        return min(max(0.0, self.scale.t_of(x)), self.scale.duration)

    def _update_cursor(self, pos: QPointF) -> None:
        row, seg, zone = self.hit(pos)
        if zone in ("start", "end"):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        elif seg is not None:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.setCursor(Qt.CursorShape.ArrowCursor)
        if seg is not None:
            conf = "" if seg.confidence is None else f"\nconfidence {seg.confidence:.2f}"
            QToolTip.showText(self.mapToGlobal(pos.toPoint()),
                              f"{format_time(seg.start)} – {format_time(seg.end)}\n{seg.label or '(no label)'}"
                              f"{(chr(10) + seg.text) if seg.text else ''}{conf}", self)
        else:
            QToolTip.hideText()

