"""What is in a media file, read with ffprobe (part of the FFmpeg that torchcodec needs anyway)."""

from __future__ import annotations

import json
import stat
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Any

from vidmeta.domain import AudioStreamInfo, MediaError, MediaInfo, VideoStreamInfo

_PROBE_TIMEOUT_S = 60


def check_readable(path: str | Path) -> Path:
    """The path as a Path if it is a non-empty readable file; else a MediaError saying why."""
    path = Path(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise MediaError(path, "is a directory, not a media file")
        with path.open("rb") as f:
            f.read(1)
    except FileNotFoundError:
        raise MediaError(path, "no such file") from None
    except PermissionError:
        raise MediaError(path, "permission denied") from None
    except OSError as exc:
        raise MediaError(path, f"cannot read ({exc.strerror})") from None
    if st.st_size == 0:
        raise MediaError(path, "empty file (0 bytes)")
    return path


def _has_mp4_header(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(12)[4:8] == b"ftyp"


def _ffprobe_json(path: Path) -> dict[str, Any]:
    exe = shutil.which("ffprobe")
    if exe is None:
        raise MediaError(path, "ffprobe not found: install FFmpeg (apt install ffmpeg)")
    cmd = [exe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", str(path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=_PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise MediaError(path, f"probing took longer than {_PROBE_TIMEOUT_S} s") from None
    err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    if proc.returncode != 0:
        reason = err[-1] if err else f"ffprobe exit code {proc.returncode}"
        if any("moov atom not found" in line for line in err) and _has_mp4_header(path):
            reason = "damaged or truncated MP4 (its index, the 'moov atom', is missing)"
        elif any("moov atom not found" in line for line in err):
            reason = "not a media file FFmpeg can read (no MP4 header despite the name)"
        elif "Invalid data found" in reason:
            reason = "not a media file FFmpeg can read, or damaged (" + reason.split(": ")[-1] + ")"
        raise MediaError(path, reason)
    try:
        return json.loads(proc.stdout.decode("utf-8", "replace"))
    except json.JSONDecodeError:
        raise MediaError(path, "ffprobe gave unreadable output") from None


def _fraction(text: str | None) -> Fraction | None:
    if not text or text in ("0/0", "N/A"):
        return None
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rotation(stream: dict[str, Any]) -> int:
    """Clockwise display rotation; the display matrix stores it counter-clockwise."""
    for side in stream.get("side_data_list", []):
        if "rotation" in side:
            return int(round(-float(side["rotation"]))) % 360
    rotate = stream.get("tags", {}).get("rotate")
    return int(rotate) % 360 if rotate is not None else 0


def _video_info(stream: dict[str, Any], container_duration: float) -> VideoStreamInfo:
    avg = _fraction(stream.get("avg_frame_rate"))
    real = _fraction(stream.get("r_frame_rate"))
    rate = avg or real or Fraction(0)
    duration = _float(stream.get("duration")) or container_duration
    nb = stream.get("nb_frames")
    frame_count = int(nb) if nb and str(nb).isdigit() and int(nb) > 0 else None
    # The container's nominal rate and the measured average disagree for variable-frame-rate files.
    vfr = bool(avg and real and abs(float(avg) - float(real)) / float(real) > 0.01)
    rotation = _rotation(stream)
    width, height = int(stream.get("width", 0)), int(stream.get("height", 0))
    if rotation in (90, 270):
        width, height = height, width
    return VideoStreamInfo(
        codec=str(stream.get("codec_name", "unknown")),
        width=width,
        height=height,
        frame_rate=rate,
        frame_count=frame_count,
        rotation=rotation,
        variable_frame_rate=vfr,
        duration=duration,
        start_time=_float(stream.get("start_time")) or 0.0,
    )


def probe(path: str | Path) -> MediaInfo:
    """Describe a media file; raises MediaError with a one-line reason when it cannot be read."""
    path = check_readable(path)
    data = _ffprobe_json(path)
    fmt = data.get("format", {})
    streams = data.get("streams", [])
    # Attached cover art is a "video" stream of one picture: not a video.
    videos = [
        s for s in streams if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    if not videos and not audios:
        raise MediaError(path, "contains no audio or video stream")
    container_duration = _float(fmt.get("duration")) or 0.0
    video = _video_info(videos[0], container_duration) if videos else None
    audio = None
    if audios:
        a = audios[0]
        audio = AudioStreamInfo(
            codec=str(a.get("codec_name", "unknown")),
            sample_rate=int(a.get("sample_rate", 0) or 0),
            channels=int(a.get("channels", 0) or 0),
            duration=_float(a.get("duration")) or container_duration,
        )
    durations = [d for d in (container_duration, video and video.duration, audio and audio.duration) if d]
    duration = max(durations) if durations else 0.0
    if duration <= 0:
        raise MediaError(path, "has no measurable duration (damaged or still being written?)")
    return MediaInfo(
        path=path,
        container=str(fmt.get("format_name", "unknown")),
        duration=duration,
        size_bytes=path.stat().st_size,
        video=video,
        audio=audio,
        video_stream_count=len(videos),
        audio_stream_count=len(audios),
    )
