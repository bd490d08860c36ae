"""Features on one clock: visual, audio, lips per face track, speech embeddings, and the
audio-visual synchrony that tells where speech is and who on screen is speaking.

Heavy libraries (torch, OpenCV, silero-vad, whisper) are imported inside the functions that use
them, so importing this package is cheap.
"""

from vidmeta.features.audio import AudioTrack, VadTrack
from vidmeta.features.bundle import MODALITIES, FeatureBundle, WindowFeatures
from vidmeta.features.cache import FeatureCache
from vidmeta.features.extract import VideoFeatures, extract_features
from vidmeta.features.faces import FaceTrack
from vidmeta.features.lips import LipTrack
from vidmeta.features.options import FeatureOptions
from vidmeta.features.speakers import NO_SPEAKER, SpeakerTimeline, SpeakerWindow, SpeechRegion
from vidmeta.features.speech_embedding import EmbeddingTrack
from vidmeta.features.sync import TrackSync
from vidmeta.features.visual import VisualTrack
from vidmeta.features.windows import WindowGrid, make_windows

__all__ = [
    "MODALITIES",
    "NO_SPEAKER",
    "AudioTrack",
    "EmbeddingTrack",
    "FaceTrack",
    "FeatureBundle",
    "FeatureCache",
    "FeatureOptions",
    "LipTrack",
    "SpeakerTimeline",
    "SpeakerWindow",
    "SpeechRegion",
    "TrackSync",
    "VadTrack",
    "VideoFeatures",
    "VisualTrack",
    "WindowFeatures",
    "WindowGrid",
    "extract_features",
    "make_windows",
]
