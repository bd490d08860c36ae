"""Feature extraction of one video: one decode pass for visual + faces + lips, the soundtrack in a
worker thread alongside, then synchrony and speakers; every part cached on disk.

`extract_features` is a generator that yields Progress and returns VideoFeatures, so the pipeline
can drive it as a job (vidmeta.pipeline.features_jobs) and the GUI and CLI show its progress.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidmeta.domain import CancelToken, Progress
from vidmeta.features import parts as P
from vidmeta.features.audio import SAMPLE_RATE, AudioTrack, VadTrack, log_mel, speech_probability
from vidmeta.features.bundle import WindowFeatures, window_features
from vidmeta.features.cache import FeatureCache, part_key
from vidmeta.features.faces import FaceTrack
from vidmeta.features.frame_stream import FrameStream
from vidmeta.features.lips import FaceLipPass, LipReplay, LipTrack
from vidmeta.features.options import FeatureOptions
from vidmeta.features.speakers import SpeakerTimeline, speaker_timeline
from vidmeta.features.speech_embedding import EmbeddingTrack, model_id, whisper_embeddings
from vidmeta.features.sync import track_sync
from vidmeta.features.visual import MotionMeter, VisualEncoder, VisualTrack, resolve_device
from vidmeta.features.windows import make_windows
from vidmeta.media import check_readable, load_audio, probe
from vidmeta.store import fingerprint_file

_ENCODE_BATCH = 32  # sampled frames per visual-encoder batch
_JOIN_POLL_S = 0.2  # how often a wait for the audio worker looks at the cancel token


@dataclass(frozen=True)
class VideoFeatures:
    """Everything extracted from one video, on one clock (seconds of media time)."""

    path: Path
    fingerprint: str  # content fingerprint the cache is keyed by
    media: P.MediaSummary
    options: FeatureOptions
    visual: VisualTrack | None  # None for audio-only files
    faces: tuple[FaceTrack, ...]  # face tracks with their boxes (source pixels) over time
    lips: tuple[LipTrack, ...]  # lip features per face track, at the video frame rate
    audio: AudioTrack | None  # None for silent videos
    vad: VadTrack | None
    speech: EmbeddingTrack | None  # whisper encoder embeddings, None without a whisper model
    windows: WindowFeatures  # the per-window feature bundles
    speakers: SpeakerTimeline  # speech regions, active speaker and AV speech probability per window
    cached_parts: frozenset[str]  # parts read from the cache instead of computed


def extract_features(
    path: str | Path,
    *,
    options: FeatureOptions | None = None,
    cancel: CancelToken | None = None,
    whisper_model=None,
    cache: FeatureCache | None = None,
    use_cache: bool = True,
) -> Generator[Progress, None, VideoFeatures]:
    """Extract (or load) the features of `path`. A generator: yields Progress, returns VideoFeatures."""
    options = options or FeatureOptions()
    cancel = cancel or CancelToken()
    path = check_readable(path)
    yield Progress(0.0, "Reading the feature cache")
    fingerprint = fingerprint_file(path)
    store = (cache or FeatureCache()) if use_cache else None
    media = _media(path, fingerprint, store)
    params = {part: options.part_params(part) for part in ("visual", "faces", "lips", "audio", "vad", "speech")}
    if whisper_model is not None:
        params["speech"] = {**params["speech"], "model": model_id(whisper_model)}

    def load(part: str, decode: Callable):
        if store is None or (part == "speech" and whisper_model is None):
            return None
        got = store.load(fingerprint=fingerprint, part=part, params=params[part])
        return None if got is None else decode(got[0])

    found: dict[str, object] = {}
    for part, decode in (("visual", P.visual_from_arrays), ("faces", P.faces_from_arrays),
                         ("lips", P.lips_from_arrays), ("audio", P.audio_from_arrays),
                         ("vad", P.vad_from_arrays), ("speech", P.speech_from_arrays)):
        value = load(part, decode)
        if value is not None:
            found[part] = value
    cached = frozenset(found)
    with _worker_threads(max(1, (os.cpu_count() or 2) // 2)):
        computed = yield from _compute(path, media, options, found, whisper_model, cancel)
    if store is not None:
        for part, value in computed.items():
            store.save(fingerprint=fingerprint, part=part, params=params[part], arrays=_to_arrays(part, value))
    have = {**found, **computed}
    yield Progress(0.95, "Finding speakers")
    grid = make_windows(duration=media.duration, window=options.window, hop=options.hop)
    lips = list(have.get("lips", []))
    audio, vad = have.get("audio"), have.get("vad")
    speakers, from_cache = _speakers(fingerprint, params, options, grid, lips, audio, vad, store)
    windows = window_features(grid=grid, visual=have.get("visual"), audio=audio, vad=vad, lips=lips,
                              speech=have.get("speech"))
    yield Progress(1.0, "Features ready")
    return VideoFeatures(
        path=path, fingerprint=fingerprint, media=media, options=options, visual=have.get("visual"),
        faces=tuple(have.get("faces", [])), lips=tuple(lips), audio=audio, vad=vad, speech=have.get("speech"),
        windows=windows, speakers=speakers, cached_parts=cached | ({"speakers"} if from_cache else set()),
    )


def _compute(path: Path, media: P.MediaSummary, options: FeatureOptions, found: dict, whisper_model,
             cancel: CancelToken) -> Generator[Progress, None, dict]:
    """The parts not found in the cache: the video pass here, the soundtrack in a worker thread."""
    worker = None
    computed: dict[str, object] = {}
    audio_parts = {"audio", "vad"} | ({"speech"} if whisper_model is not None else set())
    if media.has_audio and not audio_parts <= found.keys():
        worker = _AudioWorker(path, options, audio_parts - found.keys(), whisper_model, cancel)
        worker.start()
    try:
        video_parts = {"visual", "faces", "lips"}
        if media.has_video and not video_parts <= found.keys():
            computed.update((yield from _video_pass(path, media, options, found, cancel)))
        if worker is not None:
            yield Progress(0.9, "Analysing the soundtrack")
            computed.update(worker.result())
    finally:
        if worker is not None:
            worker.halt()
    return computed


@contextlib.contextmanager
def _worker_threads(count: int) -> Iterator[None]:
    """Limit torch's and OpenCV's own threads: the decoder, the video pass and the audio worker
    already run side by side, and oversubscribed thread pools made the visual encoder six times
    and the face detector ten times slower on two cores."""
    import cv2
    import torch

    before = torch.get_num_threads(), cv2.getNumThreads()
    torch.set_num_threads(count)
    cv2.setNumThreads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before[0])
        cv2.setNumThreads(before[1])


def _media(path: Path, fingerprint: str, store: FeatureCache | None) -> P.MediaSummary:
    if store is not None and (got := store.load(fingerprint=fingerprint, part="media", params={})) is not None:
        return P.media_from_meta(got[1])
    info = probe(path)
    v = info.video
    media = P.MediaSummary(
        duration=info.duration, width=v.width if v else 0, height=v.height if v else 0,
        has_video=v is not None, has_audio=info.audio is not None, frame_count=(v.frame_count or 0) if v else 0,
    )
    if store is not None:
        store.save(fingerprint=fingerprint, part="media", params={}, arrays={}, meta=P.media_to_meta(media))
    return media


def _to_arrays(part: str, value) -> dict[str, np.ndarray]:
    return {
        "visual": P.visual_to_arrays, "faces": P.faces_to_arrays, "lips": P.lips_to_arrays,
        "audio": P.audio_to_arrays, "vad": P.vad_to_arrays, "speech": P.speech_to_arrays,
    }[part](value)


def _video_pass(path: Path, media: P.MediaSummary, options: FeatureOptions, found: dict,
                cancel: CancelToken) -> Generator[Progress, None, dict]:
    """One decode of every frame: visual descriptors (sampled), motion, faces and lips (every frame)."""
    need_visual = "visual" not in found
    need_faces = "faces" not in found
    need_lips = need_faces or "lips" not in found
    encoder = VisualEncoder(options=options, device=resolve_device(options.device)) if need_visual else None
    motion = MotionMeter(stride=options.motion_stride) if need_visual else None
    sampled_times: list[float] = []
    pending: list[np.ndarray] = []
    descriptors: list[np.ndarray] = []
    embeddings: list[np.ndarray] = []

    def flush() -> None:
        if pending:
            desc, emb = encoder.encode(np.stack(pending))
            descriptors.append(desc)
            if emb is not None:
                embeddings.append(emb)
            pending.clear()

    expected = max(1, media.frame_count)
    index = 0
    next_sample = -np.inf
    with FrameStream(path, max_height=options.work_height, cancel=cancel,
                     size=(media.width, media.height)) as stream:
        scale = stream.geometry.scale
        faces = FaceLipPass(options=options, scale=scale) if need_faces else None
        replay = LipReplay(faces=found["faces"], options=options, scale=scale) if need_lips and not need_faces else None
        yield Progress(0.02, "Decoding video")
        for batch in stream:
            gray = batch.gray
            for i, pts in enumerate(batch.pts.tolist()):
                if need_visual:
                    motion.push(pts, gray[i])
                    if pts >= next_sample:  # the first frame at or after each 1/visual_rate step
                        sampled_times.append(pts)
                        pending.append(batch.rgb_half(i))
                        next_sample = max(next_sample, pts) + 1.0 / options.visual_rate
                        if len(pending) >= _ENCODE_BATCH:
                            flush()
                if faces is not None:
                    faces.push(index, pts, gray[i])
                elif replay is not None:
                    replay.push(index, pts, gray[i])
                index += 1
            yield Progress(0.02 + 0.86 * min(1.0, index / expected), "Decoding video", f"{index} frames")
    out: dict[str, object] = {}
    if need_visual:
        flush()
        width = encoder.width
        out["visual"] = VisualTrack(
            times=np.asarray(sampled_times, dtype=np.float64),
            descriptors=np.concatenate(descriptors) if descriptors else np.zeros((0, width), np.float32),
            backbone=np.concatenate(embeddings) if embeddings else None,
            motion_times=np.asarray(motion.times, dtype=np.float64),
            motion=np.asarray(motion.values, dtype=np.float32),
        )
    if faces is not None:
        out["faces"], out["lips"] = faces.finish()
    elif replay is not None:
        out["lips"] = replay.finish()
    return out


class _AudioWorker(threading.Thread):
    """Decodes the soundtrack and computes the missing audio parts beside the video pass."""

    def __init__(self, path: Path, options: FeatureOptions, parts: set[str], whisper_model, cancel: CancelToken):
        super().__init__(name="vidmeta-audio-features", daemon=True)
        self._path, self._options, self._parts, self._model = path, options, parts, whisper_model
        self._cancel = cancel
        self._halt = CancelToken()  # set when the main pass fails, so the worker does not run on
        self._result: dict[str, object] = {}
        self._error: BaseException | None = None

    def _check(self) -> None:
        self._halt.raise_if_cancelled()
        self._cancel.raise_if_cancelled()

    def run(self) -> None:
        try:
            samples = load_audio(self._path, sample_rate=SAMPLE_RATE)
            self._check()
            if "audio" in self._parts:
                self._result["audio"] = log_mel(samples, n_mels=self._options.n_mels)
                self._check()
            if "vad" in self._parts:
                self._result["vad"] = speech_probability(samples, cancel=self._halt)
                self._check()
            if "speech" in self._parts:
                self._result["speech"] = whisper_embeddings(self._model, samples, rate=self._options.embedding_rate,
                                                            cancel=self._halt)
        except BaseException as exc:  # handed to the main thread, which raises it there
            self._error = exc

    def result(self) -> dict[str, object]:
        while self.is_alive():
            if self._cancel.cancelled:
                self._halt.cancel()
            self.join(_JOIN_POLL_S)
        if self._error is not None:
            raise self._error
        return self._result

    def halt(self) -> None:
        self._halt.cancel()
        self.join()


def _speakers(fingerprint: str, params: dict, options: FeatureOptions, grid, lips: list[LipTrack],
              audio: AudioTrack | None, vad: VadTrack | None, store: FeatureCache | None) -> tuple[SpeakerTimeline, bool]:
    """Synchrony and speakers; cached under the keys of the parts they are computed from."""
    sync_params = {
        "inputs": [part_key(fingerprint=fingerprint, part=p, params=params[p]) for p in ("lips", "audio", "vad")],
        "window": options.window, "hop": options.hop, "max_lag": options.max_lag, "context": options.sync_context,
        "speech_threshold": options.speech_threshold, "min_speech": options.min_speech,
        "min_silence": options.min_silence, "speaker_threshold": options.speaker_threshold,
        "switch_penalty": options.switch_penalty, "tracks": [lip.track_id for lip in lips],
        "has_audio": audio is not None,
    }
    if store is not None and (got := store.load(fingerprint=fingerprint, part="speakers", params=sync_params)):
        return P.speakers_from_arrays(got[0]), True
    syncs = []
    if audio is not None and vad is not None:
        syncs = [track_sync(lip, audio=audio, vad=vad, grid=grid, max_lag=options.max_lag,
                            context=options.sync_context) for lip in lips]
    timeline = speaker_timeline(grid=grid, vad=vad, syncs=syncs, options=options)
    if store is not None:
        store.save(fingerprint=fingerprint, part="speakers", params=sync_params, arrays=P.speakers_to_arrays(timeline))
    return timeline, False
