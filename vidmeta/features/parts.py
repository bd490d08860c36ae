"""Each cached part as flat numpy arrays and back (what FeatureCache stores)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidmeta.features.audio import AudioTrack, VadTrack
from vidmeta.features.faces import FaceTrack
from vidmeta.features.lips import LipTrack
from vidmeta.features.speakers import SpeakerTimeline, SpeechRegion
from vidmeta.features.speech_embedding import EmbeddingTrack
from vidmeta.features.visual import VisualTrack
from vidmeta.features.windows import WindowGrid


@dataclass(frozen=True)
class MediaSummary:
    """What extraction needs to know about the file (cached: no probe on a cache hit)."""

    duration: float  # seconds
    width: int  # displayed pixels of the video, 0 without video
    height: int
    has_video: bool
    has_audio: bool
    frame_count: int  # from the container, 0 when unknown (for progress only)


def media_to_meta(m: MediaSummary) -> dict:
    return {"duration": m.duration, "width": m.width, "height": m.height, "has_video": m.has_video,
            "has_audio": m.has_audio, "frame_count": m.frame_count}


def media_from_meta(meta: dict) -> MediaSummary:
    return MediaSummary(**meta)


def visual_to_arrays(v: VisualTrack) -> dict[str, np.ndarray]:
    out = {"times": v.times, "descriptors": v.descriptors, "motion_times": v.motion_times, "motion": v.motion}
    if v.backbone is not None:
        out["backbone"] = v.backbone
    return out


def visual_from_arrays(a: dict[str, np.ndarray]) -> VisualTrack:
    return VisualTrack(a["times"], a["descriptors"], a.get("backbone"), a["motion_times"], a["motion"])


def _split(a: dict[str, np.ndarray]) -> list[slice]:
    bounds = a["offsets"]
    return [slice(int(bounds[i]), int(bounds[i + 1])) for i in range(len(bounds) - 1)]


def faces_to_arrays(faces: list[FaceTrack]) -> dict[str, np.ndarray]:
    return {
        "ids": np.array([f.id for f in faces], dtype=np.int64),
        "offsets": np.cumsum([0] + [len(f.times) for f in faces]).astype(np.int64),
        "times": np.concatenate([f.times for f in faces]) if faces else np.zeros(0),
        "boxes": np.concatenate([f.boxes for f in faces]) if faces else np.zeros((0, 4), np.float32),
        "detected": np.concatenate([f.detected for f in faces]) if faces else np.zeros(0, bool),
    }


def faces_from_arrays(a: dict[str, np.ndarray]) -> list[FaceTrack]:
    return [FaceTrack(int(i), a["times"][s], a["boxes"][s], a["detected"][s]) for i, s in zip(a["ids"], _split(a))]


def lips_to_arrays(lips: list[LipTrack]) -> dict[str, np.ndarray]:
    width = lips[0].dct.shape[1] if lips else 0
    return {
        "ids": np.array([lip.track_id for lip in lips], dtype=np.int64),
        "offsets": np.cumsum([0] + [len(lip.times) for lip in lips]).astype(np.int64),
        "times": np.concatenate([lip.times for lip in lips]) if lips else np.zeros(0),
        "dct": np.concatenate([lip.dct for lip in lips]) if lips else np.zeros((0, width), np.float32),
        "motion": np.concatenate([lip.motion for lip in lips]) if lips else np.zeros(0, np.float32),
    }


def lips_from_arrays(a: dict[str, np.ndarray]) -> list[LipTrack]:
    return [LipTrack(int(i), a["times"][s], a["dct"][s], a["motion"][s]) for i, s in zip(a["ids"], _split(a))]


def audio_to_arrays(t: AudioTrack) -> dict[str, np.ndarray]:
    return {"times": t.times, "log_mel": t.log_mel, "log_energy": t.log_energy, "duration": np.array(t.duration)}


def audio_from_arrays(a: dict[str, np.ndarray]) -> AudioTrack:
    return AudioTrack(a["times"], a["log_mel"], a["log_energy"], float(a["duration"]))


def vad_to_arrays(v: VadTrack) -> dict[str, np.ndarray]:
    return {"times": v.times, "probability": v.probability, "frame": np.array(v.frame)}


def vad_from_arrays(a: dict[str, np.ndarray]) -> VadTrack:
    return VadTrack(a["times"], a["probability"], float(a["frame"]))


def speech_to_arrays(e: EmbeddingTrack) -> dict[str, np.ndarray]:
    return {"times": e.times, "vectors": e.vectors, "model_id": np.array(e.model_id)}


def speech_from_arrays(a: dict[str, np.ndarray]) -> EmbeddingTrack:
    return EmbeddingTrack(a["times"], a["vectors"], str(a["model_id"]))


def speakers_to_arrays(s: SpeakerTimeline) -> dict[str, np.ndarray]:
    return {
        "starts": s.grid.starts, "ends": s.grid.ends, "speech_probability": s.speech_probability,
        "av_speech_probability": s.av_speech_probability, "active_track": s.active_track,
        "track_ids": np.array(s.track_ids, dtype=np.int64), "evidence": s.evidence,
        "region_bounds": np.array([[r.start, r.end] for r in s.regions]).reshape(-1, 2),
        "region_speaker": np.array([-1 if r.speaker is None else r.speaker for r in s.regions], dtype=np.int64),
        "region_probability": np.array([r.probability for r in s.regions], dtype=np.float64),
    }


def speakers_from_arrays(a: dict[str, np.ndarray]) -> SpeakerTimeline:
    regions = tuple(
        SpeechRegion(float(b[0]), float(b[1]), None if int(sp) < 0 else int(sp), float(p))
        for b, sp, p in zip(a["region_bounds"], a["region_speaker"], a["region_probability"])
    )
    return SpeakerTimeline(WindowGrid(a["starts"], a["ends"]), a["speech_probability"], a["av_speech_probability"],
                           a["active_track"], tuple(int(i) for i in a["track_ids"]), a["evidence"], regions)
