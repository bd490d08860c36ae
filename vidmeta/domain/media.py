"""What a probe tells about a media file."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path


@dataclass(frozen=True, slots=True)
class VideoStreamInfo:
    codec: str  # decoder name, e.g. "h264", "mpeg1video"
    width: int  # pixels as displayed, after rotation
    height: int  # pixels as displayed, after rotation
    frame_rate: Fraction  # average frame rate from the container
    frame_count: int | None  # None when the container does not know it
    rotation: int  # degrees clockwise to apply for display: 0, 90, 180 or 270
    variable_frame_rate: bool  # True when frame durations differ noticeably
    duration: float  # seconds, from the stream (falls back to the container)
    start_time: float  # PTS of the first frame, seconds


@dataclass(frozen=True, slots=True)
class AudioStreamInfo:
    codec: str  # decoder name, e.g. "aac", "mp2"
    sample_rate: int  # Hz
    channels: int
    duration: float  # seconds


@dataclass(frozen=True, slots=True)
class MediaInfo:
    path: Path
    container: str  # format name as ffmpeg reports it, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    duration: float  # seconds, the longest of the streams or the container's
    size_bytes: int
    video: VideoStreamInfo | None  # first video stream, None for audio-only files
    audio: AudioStreamInfo | None  # first audio stream, None for silent files
    video_stream_count: int
    audio_stream_count: int

    @property
    def has_video(self) -> bool:
        return self.video is not None

    @property
    def has_audio(self) -> bool:
        return self.audio is not None
