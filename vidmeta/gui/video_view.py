"""The video area: paints frames from the player's QVideoSink itself, so overlays (subtitles, face
boxes with the active speaker) are ours and the widget can be grabbed like any other."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

_ACTIVE_COLOR = QColor("#3ddc84")  # the speaking face
_FACE_COLOR = QColor(255, 255, 255, 200)


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A face on the current frame, in fractions (0..1) of the frame's width and height."""

    x: float
    y: float
    w: float
    h: float
    speaker: str = ""  # name shown above the box, e.g. "Speaker 1"
    active: bool = False  # this face is the one speaking now


def fit_rect(image_size: QSize, area: QRectF) -> QRectF:
    """The largest rectangle of the image's aspect ratio centred in `area`."""
    if image_size.isEmpty() or area.isEmpty():
        return QRectF()
    scale = min(area.width() / image_size.width(), area.height() / image_size.height())
    w, h = image_size.width() * scale, image_size.height() * scale
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


def paint_overlays(painter: QPainter, frame: QRectF, subtitle: str, faces: list[FaceBox]) -> None:
    """Subtitle text and face boxes over a frame drawn into `frame` (widget or export)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    line = max(1.5, frame.height() / 240)
    for face in faces:
        box = QRectF(frame.x() + face.x * frame.width(), frame.y() + face.y * frame.height(),
                     face.w * frame.width(), face.h * frame.height())
        color = _ACTIVE_COLOR if face.active else _FACE_COLOR
        painter.setPen(QPen(color, line * (2 if face.active else 1)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box)
        caption = face.speaker + ("  (speaking)" if face.active else "")
        if caption:
            font = QFont(painter.font())
            font.setPixelSize(max(10, int(frame.height() / 28)))
            painter.setFont(font)
            painter.drawText(box.topLeft() + QPointF(0, -line * 2), caption)
    if subtitle:
        font = QFont(painter.font())
        font.setPixelSize(max(12, int(frame.height() / 16)))
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        lines = subtitle.splitlines() or [subtitle]
        bottom = frame.bottom() - frame.height() * 0.06
        for i, text in enumerate(reversed(lines)):
            width = metrics.horizontalAdvance(text)
            base = QPointF(frame.center().x() - width / 2, bottom - i * metrics.height())
            path = QPainterPath()
            path.addText(base, font, text)
            # A dark outline keeps white text readable on any picture.
            painter.setPen(QPen(QColor(0, 0, 0, 220), max(2.0, font.pixelSize() / 8), Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.fillPath(path, QColor("white"))
    painter.restore()


class VideoView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._image: QImage | None = None
        self._pts: float | None = None
        self._subtitle = ""
        self._faces: list[FaceBox] = []
        self._message = "Open a video: File > Open (Ctrl+O), or drop a file here"

    # Content --------------------------------------------------------------------------------

    def set_frame(self, image: QImage, pts: float) -> None:
        self._image = image
        self._pts = pts
        self.update()

    def clear(self, message: str) -> None:
        self._image = None
        self._pts = None
        self._faces = []
        self._subtitle = ""
        self._message = message
        self.update()

    def set_subtitle(self, text: str) -> None:
        if text != self._subtitle:
            self._subtitle = text
            self.update()

    def set_face_boxes(self, faces: list[FaceBox]) -> None:
        self._faces = list(faces)
        self.update()

    @property
    def face_boxes(self) -> list[FaceBox]:
        return list(self._faces)

    @property
    def subtitle(self) -> str:
        return self._subtitle

    @property
    def frame_pts(self) -> float | None:
        return self._pts

    @property
    def has_frame(self) -> bool:
        return self._image is not None

    def frame_rect(self) -> QRectF:
        return fit_rect(self._image.size(), QRectF(self.rect())) if self._image is not None else QRectF()

    def render_frame(self) -> QImage | None:
        """The current frame at its own resolution, with the overlays drawn on it."""
        if self._image is None:
            return None
        out = self._image.convertToFormat(QImage.Format.Format_RGB32)
        painter = QPainter(out)
        paint_overlays(painter, QRectF(out.rect()), self._subtitle, self._faces)
        painter.end()
        return out

    # Painting -------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(16, 16, 18))
        if self._image is None:
            painter.setPen(QColor(190, 190, 190))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            return
        target = self.frame_rect()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self._image)
        paint_overlays(painter, target, self._subtitle, self._faces)
