"""The presentation time of every frame, read from the container's packets (no decoding).

Frame stepping in a player needs the real PTS list: variable-frame-rate files exist, and a constant
rate from the header is only a claim. ffprobe lists packets at hundreds of thousands per second.
Players (Qt's included) count time from the container's start time, which is not always 0 (MPEG-TS
captures often start at 1.4 s or later), so that start comes back too.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.domain import CancelToken, MediaError
from vidmeta.media.probe import check_readable

_POLL_S = 0.2  # how often a running scan looks at its cancel token


@dataclass(frozen=True)
class FrameTimes:
    pts: np.ndarray  # float64 [N] sorted, unique PTS in seconds of the first video stream's frames
    container_start: float  # seconds: the container's start time, shown by players as 0:00

    @property
    def on_player_clock(self) -> np.ndarray:
        """The frame times as a player counts them: from the container's start."""
        return self.pts - self.container_start


def frame_times(path: str | Path, *, cancel: CancelToken | None = None) -> FrameTimes:
    path = check_readable(path)
    exe = shutil.which("ffprobe")
    if exe is None:
        raise MediaError(path, "ffprobe not found: install FFmpeg (apt install ffmpeg)")
    cmd = [exe, "-v", "error", "-select_streams", "v:0", "-show_entries", "format=start_time:packet=pts_time",
           "-of", "compact", "--", str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while True:
            try:
                out, err = proc.communicate(timeout=_POLL_S)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.cancelled:
                    proc.kill()
                    proc.communicate()
                    cancel.raise_if_cancelled()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    if proc.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise MediaError(path, "cannot list frames (" + (lines[-1] if lines else "ffprobe failed") + ")")
    values: list[float] = []
    start = 0.0
    for line in out.decode("ascii", "replace").splitlines():
        kind, _, field = line.partition("|")
        _key, _, text = field.partition("=")
        try:
            value = float(text)
        except ValueError:
            continue  # N/A: a packet without a timestamp
        if kind == "packet":
            values.append(value)
        elif kind == "format":
            start = value
    if not values:
        raise MediaError(path, "has no video frames with timestamps")
    return FrameTimes(np.unique(np.asarray(values, dtype=np.float64)), start)
