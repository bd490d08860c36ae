"""One sequential decode of every video frame at a working resolution, with its real PTS.

Lips are measured at the video frame rate, so every frame must be decoded; colour conversion of
full-size frames costs more than the decoding itself. FFmpeg therefore scales inside its own
pipeline and hands over small YUV 4:2:0 frames (the luma plane is the grey image faces and lips
need; colour is converted only for the few frames the visual encoder samples). `showinfo` reports
each frame's PTS; `-copyts` keeps the container's timestamps, as vidmeta.media does.
"""

from __future__ import annotations

import queue
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.domain import CancelToken, MediaError
from vidmeta.media import probe

_PTS_RE = re.compile(rb"\bn:\s*(\d+)\s+pts:\s*\S+\s+pts_time:(\S+)")
_WAIT_S = 10.0  # how long a frame may wait for its showinfo line before the decode is declared stuck
_READ_AHEAD = 3  # batches the reader thread may hold: ffmpeg keeps decoding while batches are used


@dataclass(frozen=True, slots=True)
class FrameBatch:
    pts: np.ndarray  # float64 [N] seconds, real presentation timestamps
    yuv: np.ndarray  # uint8 [N, H*3/2, W] planar I420 as OpenCV's COLOR_YUV2RGB_I420 expects
    width: int  # working width (even)
    height: int  # working height (even)

    @property
    def gray(self) -> np.ndarray:
        """uint8 [N, H, W] luma: a view, no copy."""
        return self.yuv[:, : self.height, :]

    def rgb(self, index: int) -> np.ndarray:
        """uint8 [H, W, 3] RGB of one frame."""
        import cv2

        return cv2.cvtColor(self.yuv[index], cv2.COLOR_YUV2RGB_I420)

    def rgb_half(self, index: int) -> np.ndarray:
        """uint8 [H/2, W/2, 3] RGB at the chroma planes' own resolution: no chroma upsampling and a
        quarter of the pixels, for descriptors that downscale further anyway."""
        import cv2

        h, w = self.height, self.width
        frame = self.yuv[index]
        luma = cv2.resize(frame[:h], (w // 2, h // 2), interpolation=cv2.INTER_AREA)  # exact 2x2 means
        chroma = frame[h:].reshape(2, h // 2, w // 2)  # U plane then V plane
        return cv2.cvtColor(np.dstack([luma, chroma[0], chroma[1]]), cv2.COLOR_YUV2RGB)


@dataclass(frozen=True, slots=True)
class StreamGeometry:
    source_width: int  # displayed pixels of the video (after rotation)
    source_height: int
    width: int  # working pixels handed to the encoders
    height: int

    @property
    def scale(self) -> float:
        """Working pixels per source pixel."""
        return self.width / self.source_width


def working_geometry(source_width: int, source_height: int, *, max_height: int) -> StreamGeometry:
    """Downscale to at most `max_height` rows (never upscale), even sizes for 4:2:0."""
    factor = min(1.0, max_height / source_height)
    width = max(2, int(round(source_width * factor / 2)) * 2)
    height = max(2, int(round(source_height * factor / 2)) * 2)
    return StreamGeometry(source_width, source_height, width, height)


class _PtsCollector(threading.Thread):
    """Reads ffmpeg's stderr: PTS lines from showinfo, and the last lines for error messages."""

    def __init__(self, stream) -> None:
        super().__init__(daemon=True)
        self._stream = stream
        self.pts: list[float] = []
        self.tail: list[str] = []
        self.done = False
        self.cond = threading.Condition()

    def run(self) -> None:
        try:
            for line in self._stream:
                m = _PTS_RE.search(line)
                with self.cond:
                    if m:
                        self.pts.append(float(m.group(2)))
                    elif b"Parsed_showinfo" not in line:
                        self.tail = (self.tail + [line.decode("utf-8", "replace").strip()])[-5:]
                    self.cond.notify_all()
        finally:
            with self.cond:
                self.done = True
                self.cond.notify_all()

    def wait_for(self, count: int) -> list[float]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.pts) >= count or self.done, timeout=_WAIT_S)
            return self.pts[:count]


class _PipeReader(threading.Thread):
    """Drains ffmpeg's stdout into a short queue: a pipe holds less than one frame, so without this
    ffmpeg would stop decoding whenever the caller is busy with a batch."""

    def __init__(self, stream, size: int) -> None:
        super().__init__(daemon=True)
        self._stream = stream
        self._size = size
        self.chunks: queue.Queue[bytes] = queue.Queue(maxsize=_READ_AHEAD)

    def run(self) -> None:
        try:
            while True:
                data = self._stream.read(self._size)  # buffered: short only at the end
                if data:
                    self.chunks.put(data)
                if len(data) < self._size:
                    break
        except (OSError, ValueError):  # the stream was closed under us: the caller has stopped
            pass
        self.chunks.put(b"")  # end of stream


class FrameStream:
    """Every frame of the first video stream, in order, in batches; use as a context manager."""

    def __init__(self, path: str | Path, *, max_height: int, batch: int = 32, cancel: CancelToken | None = None,
                 size: tuple[int, int] | None = None):
        """`size` (displayed width, height) saves a probe when the caller knows it."""
        if size is None:
            info = probe(path)
            if info.video is None:
                raise MediaError(info.path, "has no video stream (audio only)")
            path, size = info.path, (info.video.width, info.video.height)
        exe = shutil.which("ffmpeg")
        if exe is None:
            raise MediaError(path, "cannot decode video: ffmpeg not found (apt install ffmpeg)")
        self.path = Path(path)
        self.geometry = working_geometry(size[0], size[1], max_height=max_height)
        self._exe = exe
        self._batch = batch
        self._cancel = cancel
        self._proc: subprocess.Popen | None = None
        self._collector: _PtsCollector | None = None
        self._reader: _PipeReader | None = None

    def __enter__(self) -> "FrameStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if self._collector is not None:
            self._collector.join(timeout=_WAIT_S)  # it ends at EOF, now that ffmpeg is gone
        if self._reader is not None:
            while self._reader.is_alive():  # unblock a reader waiting for room in the queue
                try:
                    self._reader.chunks.get(timeout=0.05)
                except queue.Empty:
                    pass
        proc.stdout.close()
        proc.stderr.close()

    def __iter__(self) -> Iterator[FrameBatch]:
        if self._proc is not None:
            raise RuntimeError("a FrameStream can be iterated once")
        geo = self.geometry
        vf = f"scale={geo.width}:{geo.height}:flags=area,showinfo=checksum=0"
        cmd = [self._exe, "-nostdin", "-hide_banner", "-loglevel", "info", "-copyts", "-i", str(self.path),
               "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", vf, "-fps_mode", "passthrough",
               "-pix_fmt", "yuv420p", "-f", "rawvideo", "pipe:1"]
        self._proc = proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self._collector = collector = _PtsCollector(proc.stderr)
        collector.start()
        frame_bytes = geo.width * geo.height * 3 // 2
        self._reader = reader = _PipeReader(proc.stdout, frame_bytes * self._batch)
        reader.start()
        done = 0
        try:
            while True:
                if self._cancel is not None:
                    self._cancel.raise_if_cancelled()
                data = reader.chunks.get()
                n = len(data) // frame_bytes
                if n == 0:
                    break
                yuv = np.frombuffer(data, dtype=np.uint8, count=n * frame_bytes)
                yuv = yuv.reshape(n, geo.height * 3 // 2, geo.width)
                pts = collector.wait_for(done + n)[done:]
                if len(pts) != n:
                    raise MediaError(self.path, "frame timestamps missing from the decoder output")
                done += n
                yield FrameBatch(np.asarray(pts, dtype=np.float64), yuv, geo.width, geo.height)
            proc.wait()
            collector.join(timeout=_WAIT_S)
            if proc.returncode != 0 or done == 0:
                reason = collector.tail[-1] if collector.tail else f"ffmpeg exited with {proc.returncode}"
                raise MediaError(self.path, f"cannot decode video ({reason})")
        finally:
            self.close()
