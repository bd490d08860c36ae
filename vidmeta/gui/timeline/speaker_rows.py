"""Timeline rows from the faces-and-speakers analysis: audio-visual speech activity, and one row per
face track with the windows where that face speaks highlighted.

The analysis is view data, not part of the document (like the face boxes over the video), so these
rows are read only and disappear when another video is opened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from vidmeta.gui.timeline.scale import TimeScale

AV_SPEECH_COLOR = QColor("#59a14f")  # the curve of audio-visual speech probability
SPEECH_REGION_COLOR = QColor("#2f6b28")  # the band under the curve where speech was found
FACE_TRACK_COLOR = QColor("#b7c4d1")  # a face is on screen
ACTIVE_SPEAKER_COLOR = QColor("#3ddc84")  # that face is the one speaking (as over the video)


@dataclass(frozen=True)
class FaceTrackSpan:
    track_id: int
    start: float
    end: float

    @property
    def title(self) -> str:
        return f"Face {self.track_id + 1}"  # as the boxes over the video name it


@dataclass(frozen=True)
class SpeakerRowData:
    starts: np.ndarray  # float64 [W] analysis windows
    ends: np.ndarray
    av_speech: np.ndarray  # float [W] audio-visual speech probability, 0..1
    active_track: np.ndarray  # int [W] the speaking face track, or < 0 for none
    regions: tuple[tuple[float, float], ...]  # speech regions (start, end)
    tracks: tuple[FaceTrackSpan, ...]

    @classmethod
    def from_analysis(cls, faces, speakers) -> "SpeakerRowData":
        tracks = tuple(FaceTrackSpan(int(f.id), float(f.times[0]), float(f.times[-1]))
                       for f in faces if len(f.times))
        grid = speakers.grid
        return cls(starts=np.asarray(grid.starts, np.float64), ends=np.asarray(grid.ends, np.float64),
                   av_speech=np.clip(np.nan_to_num(np.asarray(speakers.av_speech_probability, np.float64)), 0, 1),
                   active_track=np.asarray(speakers.active_track, np.int64),
                   regions=tuple((float(r.start), float(r.end)) for r in speakers.regions), tracks=tracks)

    def track(self, track_id: int) -> FaceTrackSpan | None:
        return next((t for t in self.tracks if t.track_id == track_id), None)

    def speaking_spans(self, track_id: int) -> list[tuple[float, float]]:
        """The stretches where `track_id` is the active speaker (overlapping windows joined)."""
        spans: list[tuple[float, float]] = []
        for start, end, active in zip(self.starts.tolist(), self.ends.tolist(), self.active_track.tolist()):
            if active != track_id:
                continue
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((start, end))
        return spans


def _span_rect(rect: QRectF, scale: TimeScale, start: float, end: float, top: float, height: float) -> QRectF:
    x0, x1 = rect.left() + scale.x_of(start), rect.left() + scale.x_of(end)
    return QRectF(x0, top, max(1.0, x1 - x0), height)


def paint_av_speech(p: QPainter, rect: QRectF, scale: TimeScale, data: SpeakerRowData) -> None:
    """A filled curve through the window centres, over a band marking the speech regions."""
    band = 5.0
    for start, end in data.regions:
        p.fillRect(_span_rect(rect, scale, start, end, rect.bottom() - band, band), SPEECH_REGION_COLOR)
    if len(data.starts) == 0:
        return
    base = rect.bottom() - band - 1
    height = base - rect.top() - 3
    centres = (data.starts + data.ends) / 2
    points = [QPointF(rect.left() + scale.x_of(float(data.starts[0])), base)]
    points += [QPointF(rect.left() + scale.x_of(float(t)), base - float(v) * height)
               for t, v in zip(centres, data.av_speech)]
    points.append(QPointF(rect.left() + scale.x_of(float(data.ends[-1])), base))
    fill = QColor(AV_SPEECH_COLOR)
    fill.setAlpha(110)
    p.setPen(QPen(AV_SPEECH_COLOR, 1.5))
    p.setBrush(fill)
    p.drawPolygon(QPolygonF(points))


def paint_face_track(p: QPainter, rect: QRectF, scale: TimeScale, data: SpeakerRowData, track_id: int) -> None:
    """The track's time on screen as a bar; where it speaks, the bar is green and full height."""
    track = data.track(track_id)
    if track is None:
        return
    p.fillRect(_span_rect(rect, scale, track.start, track.end, rect.top() + 7, rect.height() - 14), FACE_TRACK_COLOR)
    for start, end in data.speaking_spans(track_id):
        p.fillRect(_span_rect(rect, scale, start, end, rect.top() + 3, rect.height() - 6), ACTIVE_SPEAKER_COLOR)
