"""Frames by time, by index and by sampling rate, as (pts_seconds, HxWx3 uint8 RGB).

torchcodec decodes by default (real timestamps, rotation applied); OpenCV is the fallback when
torchcodec cannot load (no FFmpeg shared libraries) or cannot open the file. A frame "at" time t is
the one on screen at t: the last frame whose PTS is <= t.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np

from vidmeta.domain import MediaError
from vidmeta.media.probe import probe

log = logging.getLogger(__name__)

Frame = tuple[float, np.ndarray]


class FrameReader(ABC):
    """Random and sequential access to the frames of one video stream."""

    backend: str
    path: Path
    frame_rate: Fraction
    duration: float  # seconds, end of the last frame
    start_time: float  # PTS of the first frame

    @abstractmethod
    def frames_at(self, times: Sequence[float]) -> list[Frame]:
        """The frames on screen at each time (clamped into the stream)."""

    @abstractmethod
    def frame_by_index(self, index: int) -> Frame: ...

    @abstractmethod
    def close(self) -> None: ...

    def frame_at(self, t: float) -> Frame:
        return self.frames_at([t])[0]

    def sample(
        self, *, rate: float, start: float = 0.0, end: float | None = None, batch: int = 32
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Frames at `rate` per second over [start, end): batches of (pts[N], frames[N,H,W,3])."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        end = self.duration if end is None else min(end, self.duration)
        count = max(0, int(np.ceil((end - start) * rate - 1e-9)))
        for i in range(0, count, batch):
            times = [start + k / rate for k in range(i, min(count, i + batch))]
            got = self.frames_at(times)
            yield np.array([p for p, _ in got]), np.stack([f for _, f in got])

    def __enter__(self) -> "FrameReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _clamp(self, t: float) -> float:
        # Just inside the last frame's span, so a time at (or past) the end gives the last frame.
        last = self.duration - 1e-6
        return min(max(t, self.start_time), max(last, self.start_time))


class TorchcodecFrameReader(FrameReader):
    backend = "torchcodec"

    def __init__(self, path: Path, *, device: str = "cpu"):
        from torchcodec.decoders import VideoDecoder

        self.path = path
        # "exact" scans the packets once, so every PTS and the frame count come from the content.
        self._decoder = VideoDecoder(str(path), dimension_order="NHWC", seek_mode="exact", device=device)
        meta = self._decoder.metadata
        self.frame_rate = Fraction(meta.average_fps).limit_denominator(100000) if meta.average_fps else Fraction(0)
        self.start_time = float(meta.begin_stream_seconds or 0.0)
        self.duration = float(meta.end_stream_seconds or meta.duration_seconds or 0.0)
        self.frame_count = int(meta.num_frames or 0)
        self._check_index()

    def _check_index(self) -> None:
        # torchcodec 0.13 mis-indexes some MPEG program streams (.mpg): frame 0 decodes with a
        # later PTS and the last frames fail. Refuse such files so the caller falls back to OpenCV.
        if self.frame_count <= 0:
            raise ValueError("no frames indexed")
        first = self._decoder.get_frame_at(0)
        if abs(float(first.pts_seconds) - self.start_time) > 1e-3:
            raise ValueError(f"frame 0 has PTS {float(first.pts_seconds):.3f}, expected {self.start_time:.3f}")
        self._decoder.get_frame_at(self.frame_count - 1)

    def frames_at(self, times: Sequence[float]) -> list[Frame]:
        clamped = [self._clamp(float(t)) for t in times]
        batch = self._decoder.get_frames_played_at(seconds=clamped)
        data = batch.data.cpu().numpy()
        return [(float(p), data[i]) for i, p in enumerate(batch.pts_seconds.tolist())]

    def frame_by_index(self, index: int) -> Frame:
        if not 0 <= index < self.frame_count:
            raise IndexError(f"frame {index} outside 0..{self.frame_count - 1}")
        frame = self._decoder.get_frame_at(index)
        return float(frame.pts_seconds), frame.data.cpu().numpy()

    def close(self) -> None:
        self._decoder = None  # type: ignore[assignment]


class OpenCVFrameReader(FrameReader):
    """Fallback decoder. OpenCV applies rotation itself; timestamps come from CAP_PROP_POS_MSEC."""

    backend = "opencv"

    def __init__(self, path: Path):
        import cv2

        self._cv2 = cv2
        self.path = path
        self._cap = None
        info = probe(path)
        if info.video is None:
            raise MediaError(path, "has no video stream")
        self.frame_rate = info.video.frame_rate
        self.start_time = info.video.start_time
        self.duration = info.video.start_time + info.video.duration
        self._pos = -1  # index of the last frame read; -1 before the first
        self._current: Frame | None = None  # the frame on screen at the last requested time
        self._next: Frame | None = None  # the frame after it (None at the end, or before start)
        self._rewind()

    def _read(self) -> Frame | None:
        ok, bgr = self._cap.read()
        if not ok:
            return None
        self._pos += 1
        pts = self._cap.get(self._cv2.CAP_PROP_POS_MSEC) / 1000.0
        return pts, self._cv2.cvtColor(bgr, self._cv2.COLOR_BGR2RGB)

    def _rewind(self) -> None:
        # Reopen rather than seek to 0: after a seek, OpenCV reports wrong timestamps on .mpg files.
        if self._cap is not None:
            self._cap.release()
        self._cap = self._cv2.VideoCapture(str(self.path), self._cv2.CAP_FFMPEG)
        if not self._cap.isOpened():
            raise MediaError(self.path, "OpenCV cannot open this video")
        self._pos = -1
        self._current = None
        self._next = self._read()

    def frames_at(self, times: Sequence[float]) -> list[Frame]:
        # Decode forward from the start and keep the frame on screen at each (sorted) time:
        # OpenCV's seeks land on key frames with unreliable timestamps.
        order = sorted(range(len(times)), key=lambda i: times[i])
        out: list[Frame | None] = [None] * len(times)
        if order and self._current is not None and times[order[0]] < self._current[0]:
            self._rewind()  # going back: only forward decoding is exact
        for i in order:
            t = self._clamp(float(times[i]))
            while self._next is not None and self._next[0] <= t + 1e-9:
                self._current, self._next = self._next, self._read()
            chosen = self._current or self._next
            if chosen is None:
                raise MediaError(self.path, "no frame could be decoded")
            out[i] = chosen
        return [f for f in out if f is not None]

    def frame_by_index(self, index: int) -> Frame:
        self._rewind()
        frame = self._next
        while frame is not None and self._pos < index:
            frame = self._read()
        if frame is None:
            raise IndexError(f"frame {index} past the end")
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()


def open_frames(path: str | Path, *, backend: str = "auto", device: str = "cpu") -> FrameReader:
    """Open the first video stream of `path`. backend: "auto", "torchcodec" or "opencv"."""
    info = probe(path)
    if info.video is None:
        raise MediaError(info.path, "has no video stream (audio only)")
    if backend in ("auto", "torchcodec"):
        try:
            return TorchcodecFrameReader(info.path, device=device)
        except Exception as exc:  # torchcodec raises RuntimeError/ValueError/ImportError/OSError alike
            if backend == "torchcodec":
                raise MediaError(info.path, f"cannot decode video ({exc})") from None
            log.info("torchcodec cannot serve %s (%s); using OpenCV", info.path, exc)
    return OpenCVFrameReader(info.path)
