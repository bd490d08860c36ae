"""Reading media: probe, frames by time, audio at a chosen rate, waveform peaks, thumbnails.

numpy out; no models here. Frames are (pts_seconds, HxWx3 uint8 RGB) with rotation applied.
"""

from vidmeta.media.audio import load_audio
from vidmeta.media.frame_times import FrameTimes, frame_times
from vidmeta.media.frames import FrameReader, open_frames
from vidmeta.media.probe import check_readable, probe
from vidmeta.media.thumbnails import thumbnail, thumbnails
from vidmeta.media.waveform import WaveformPeaks, waveform_peaks

__all__ = [
    "FrameReader",
    "FrameTimes",
    "WaveformPeaks",
    "check_readable",
    "frame_times",
    "load_audio",
    "open_frames",
    "probe",
    "thumbnail",
    "thumbnails",
    "waveform_peaks",
]
