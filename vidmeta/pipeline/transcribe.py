"""Job: subtitles for a video: features (speech regions, faces, lips), whisper over the speech
chunks, the audio-visual gate, repeated lines collapsed, speakers, shaping to the line rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vidmeta.domain import AsrOptions, CancelToken, Cue, MediaError, Progress, SubtitleOptions
from vidmeta.pipeline.jobs import Job, scaled
from vidmeta.pipeline.session import InferenceSession


@dataclass(frozen=True)
class Transcript:
    cues: tuple[Cue, ...]  # shaped subtitles in time order; suspect ones included, flagged
    languages: tuple[str, ...]  # languages whisper decoded, most frequent first
    chunk_count: int  # stretches of speech decoded
    speech_seconds: float  # total length of the detected speech regions


def transcribe_job(
    path: str | Path,
    *,
    session: InferenceSession,
    asr: AsrOptions = AsrOptions(),
    subtitles: SubtitleOptions = SubtitleOptions(),
    cancel: CancelToken,
) -> Job[Transcript]:
    from collections import Counter

    from vidmeta.features import extract_features
    from vidmeta.media import load_audio, probe
    from vidmeta.media.shots import detect_shots
    from vidmeta.speech.chunks import plan_chunks
    from vidmeta.speech.evidence import speech_evidence
    from vidmeta.speech.gate import gate_segments
    from vidmeta.speech.recognize import collapse_repeats, recognize
    from vidmeta.speech.shaping import shape_cues

    from vidmeta.speech.models import checkpoint_source

    checkpoint_source(asr.model, model_dir=session.model_dir)  # an unknown model fails before the long passes
    info = probe(path)
    if info.audio is None:
        raise MediaError(info.path, "has no audio stream: there is no speech to transcribe")
    features = yield from scaled(extract_features(info.path, cancel=cancel), 0.0, 0.3)
    shots = yield from scaled(detect_shots(info.path, cancel=cancel), 0.3, 0.35)
    evidence = speech_evidence(features)
    chunks = plan_chunks(evidence.regions, duration=info.duration, max_seconds=asr.max_chunk_seconds,
                         padding=asr.chunk_padding)
    model = yield from scaled(session.whisper(asr.model, cancel=cancel), 0.35, 0.4)
    audio = load_audio(info.path, sample_rate=16000)
    segments = yield from scaled(recognize(model, audio, chunks, options=asr, cancel=cancel), 0.4, 0.98)
    cues = gate_segments(collapse_repeats(segments), evidence)
    shaped = shape_cues(cues, options=subtitles, shot_changes=shots, duration=info.duration)
    yield Progress(1.0, "Subtitles ready", f"{len(shaped)} cues")
    languages = tuple(lang for lang, _ in Counter(s.language for s in segments).most_common())
    return Transcript(cues=tuple(shaped), languages=languages, chunk_count=len(chunks),
                      speech_seconds=sum(r.duration for r in evidence.regions))
