"""Plain data of vidmeta: frozen dataclasses and enums. No torch, no Qt, no I/O."""

from vidmeta.domain.media import AudioStreamInfo, MediaInfo, VideoStreamInfo
from vidmeta.domain.document import (
    Chapter,
    Cue,
    Label,
    ProjectDocument,
    Segment,
    SegmentSource,
    Tier,
    TierKind,
    VideoRef,
    Word,
)
from vidmeta.domain.jobs import CancelToken, Cancelled, Progress
from vidmeta.domain.errors import LabellingError, MediaError, ProjectError, VidmetaError
from vidmeta.domain.options import AsrOptions, SubtitleOptions
from vidmeta.domain.time import TimeRange

__all__ = [
    "AsrOptions",
    "SubtitleOptions",
    "AudioStreamInfo",
    "CancelToken",
    "Cancelled",
    "Chapter",
    "Cue",
    "Label",
    "MediaError",
    "MediaInfo",
    "Progress",
    "ProjectDocument",
    "ProjectError",
    "LabellingError",
    "Segment",
    "SegmentSource",
    "Tier",
    "TierKind",
    "TimeRange",
    "VideoRef",
    "VideoStreamInfo",
    "VidmetaError",
    "Word",
]
