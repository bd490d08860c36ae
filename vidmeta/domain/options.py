"""Options of the recognition and subtitle jobs, one comment per field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AsrOptions:
    model: str = "base"  # whisper model name (tiny ... large-v3, turbo) or path to a local .pt checkpoint
    device: str = "auto"  # "auto" (CUDA when available), "cpu" or "cuda"
    language: str | None = None  # ISO code such as "en"; None detects it per chunk
    task: str = "transcribe"  # "transcribe", or "translate" into English
    word_timestamps: bool = True  # align each word with the audio (cross-attention DTW)
    batch_size: int = 8  # chunks decoded together; on CPU batching gains little
    max_chunk_seconds: float = 30.0  # whisper's window: speech regions are merged up to this length
    chunk_padding: float = 0.2  # seconds of context added around each speech region
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # fallback ladder, as whisper uses
    compression_ratio_threshold: float = 2.4  # above it a decode is a loop: retry hotter
    logprob_threshold: float = -1.0  # below it a decode is unsure: retry hotter
    no_speech_threshold: float = 0.6  # above it, with a low logprob, the chunk is taken as silence
    condition_on_previous_text: bool = False  # off in chunked mode: a prompt carries hallucinations over
    sample_len: int | None = None  # most tokens decoded per chunk; None: whisper's default (224)
    beam_size: int | None = None  # None: greedy decoding; an int: beam search of that width
    fp16: bool = True  # half precision on CUDA (ignored on CPU)


@dataclass(frozen=True, slots=True)
class SubtitleOptions:
    max_chars_per_line: int = 42  # a line longer than this is split at a word boundary
    max_lines: int = 2  # lines per cue; more text makes a new cue
    max_chars_per_second: float = 17.0  # reading speed above this is a warning
    min_duration: float = 0.8  # seconds a cue stays on screen at least (if the gap allows)
    max_duration: float = 7.0  # seconds a cue stays on screen at most
    min_gap: float = 0.08  # seconds between consecutive cues, so that they read as two
    shot_snap: float = 0.25  # boundaries within this many seconds of a shot change move onto it
