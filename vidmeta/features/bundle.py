"""The feature bundle of every window: visual, audio, lips per face track, speech embedding, and
which of them are present. Pooled from the cached time series, so windows can change freely."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidmeta.features.audio import AudioTrack, VadTrack
from vidmeta.features.lips import LipTrack
from vidmeta.features.speech_embedding import EmbeddingTrack
from vidmeta.features.visual import VisualTrack
from vidmeta.features.windows import WindowGrid, pool_max, pool_mean, pool_mean_std

MODALITIES = ("visual", "audio", "lips", "speech")


@dataclass(frozen=True)
class FeatureBundle:
    """The features of one window. A modality that is absent has None (or no lips entries)."""

    start: float  # seconds
    end: float  # seconds
    visual: np.ndarray | None  # [Dv] colour + gradient histograms (+ backbone), motion mean and max
    audio: np.ndarray | None  # [Da] log-mel mean and std per band, log-energy mean and std, VAD mean and max
    lips: dict[int, np.ndarray]  # face track id -> [Dl] DCT mean and std, mouth motion mean and max
    speech: np.ndarray | None  # [De] mean whisper encoder embedding; None without a whisper model
    present: dict[str, bool]  # modality name (MODALITIES) -> whether it has data in this window


@dataclass(frozen=True)
class WindowFeatures:
    """All windows at once, one row per window (what models consume)."""

    grid: WindowGrid
    visual: np.ndarray  # float32 [W, Dv]; zero rows where absent
    audio: np.ndarray  # float32 [W, Da]
    lips: dict[int, np.ndarray]  # track id -> float32 [W, Dl]
    speech: np.ndarray | None  # float32 [W, De], None without a whisper model
    present: dict[str, np.ndarray]  # modality -> bool [W]; "lips" = any face track
    lips_present: dict[int, np.ndarray]  # track id -> bool [W]

    def __len__(self) -> int:
        return len(self.grid)

    def bundle(self, i: int) -> FeatureBundle:
        def row(matrix: np.ndarray | None, name: str) -> np.ndarray | None:
            return None if matrix is None or not self.present[name][i] else matrix[i]

        return FeatureBundle(
            start=float(self.grid.starts[i]),
            end=float(self.grid.ends[i]),
            visual=row(self.visual, "visual"),
            audio=row(self.audio, "audio"),
            lips={k: v[i] for k, v in self.lips.items() if self.lips_present[k][i]},
            speech=row(self.speech, "speech"),
            present={name: bool(self.present[name][i]) for name in MODALITIES},
        )


def visual_rows(visual: VisualTrack | None, grid: WindowGrid) -> tuple[np.ndarray, np.ndarray]:
    if visual is None:
        return np.zeros((len(grid), 0), np.float32), np.zeros(len(grid), bool)
    parts = [visual.descriptors] + ([visual.backbone] if visual.backbone is not None else [])
    desc, count = pool_mean(visual.times, np.concatenate(parts, axis=1), grid)
    motion_mean, motion_count = pool_mean(visual.motion_times, visual.motion, grid)
    motion_max = pool_max(visual.motion_times, visual.motion, grid)
    rows = np.concatenate([desc, motion_mean[:, None], motion_max[:, None]], axis=1)
    return rows.astype(np.float32), (count > 0) | (motion_count > 0)


def audio_rows(audio: AudioTrack | None, vad: VadTrack | None, grid: WindowGrid) -> tuple[np.ndarray, np.ndarray]:
    if audio is None:
        return np.zeros((len(grid), 0), np.float32), np.zeros(len(grid), bool)
    mel, count = pool_mean_std(audio.times, audio.log_mel, grid)
    energy, _ = pool_mean_std(audio.times, audio.log_energy, grid)
    parts = [mel, energy]
    if vad is not None:
        centres = vad.times + vad.frame / 2
        parts += [pool_mean(centres, vad.probability, grid)[0][:, None], pool_max(centres, vad.probability, grid)[:, None]]
    return np.concatenate(parts, axis=1).astype(np.float32), count > 0


def lip_rows(lip: LipTrack, grid: WindowGrid) -> tuple[np.ndarray, np.ndarray]:
    dct, count = pool_mean_std(lip.times, lip.dct, grid)
    motion_mean, _ = pool_mean(lip.times, lip.motion, grid)
    motion_max = pool_max(lip.times, lip.motion, grid)
    return np.concatenate([dct, motion_mean[:, None], motion_max[:, None]], axis=1).astype(np.float32), count > 0


def window_features(
    *,
    grid: WindowGrid,
    visual: VisualTrack | None,
    audio: AudioTrack | None,
    vad: VadTrack | None,
    lips: list[LipTrack],
    speech: EmbeddingTrack | None,
) -> WindowFeatures:
    visual_m, visual_p = visual_rows(visual, grid)
    audio_m, audio_p = audio_rows(audio, vad, grid)
    lip_m, lip_p = {}, {}
    for lip in lips:
        lip_m[lip.track_id], lip_p[lip.track_id] = lip_rows(lip, grid)
    speech_m = None
    speech_p = np.zeros(len(grid), bool)
    if speech is not None:
        pooled, count = pool_mean(speech.times, speech.vectors, grid)
        speech_m, speech_p = pooled.astype(np.float32), count > 0
    any_lips = np.any(np.stack(list(lip_p.values())), axis=0) if lip_p else np.zeros(len(grid), bool)
    return WindowFeatures(
        grid=grid, visual=visual_m, audio=audio_m, lips=lip_m, speech=speech_m,
        present={"visual": visual_p, "audio": audio_p, "lips": any_lips, "speech": speech_p},
        lips_present=lip_p,
    )
