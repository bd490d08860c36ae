"""One fused descriptor per analysis window, built from the cached window features.

Each modality (visual, audio, lips, speech) is standardised over the video's own windows (so a
dimension that never changes in this video cannot dominate), scaled to unit length, and the
present modalities are concatenated with weight 1/sqrt(count): every window's vector has unit
length whatever it lacks, so squared Euclidean distances are comparable across windows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidmeta.domain import LabellingError
from vidmeta.features import WindowFeatures, WindowGrid

_EPS = 1e-6


@dataclass(frozen=True)
class WindowDescriptors:
    grid: WindowGrid
    vectors: np.ndarray  # float32 [W, D], unit length rows (zero rows where nothing is present)
    modalities: tuple[tuple[str, int], ...]  # (name, width) in the order of the columns
    present: np.ndarray  # bool [W, M]

    def __len__(self) -> int:
        return len(self.grid)

    def window_at(self, t: float) -> int:
        """Index of the window whose centre is nearest to time ``t``."""
        return int(np.argmin(np.abs(self.grid.centres - t)))


def _lips_rows(windows: WindowFeatures) -> tuple[np.ndarray, np.ndarray] | None:
    """Lip features of all visible faces, averaged per window (who speaks is the speaker issue's job)."""
    if not windows.lips:
        return None
    stacked = np.stack([windows.lips[k] for k in sorted(windows.lips)])  # [T, W, Dl]
    present = np.stack([windows.lips_present[k] for k in sorted(windows.lips)])  # [T, W]
    counts = present.sum(0)
    rows = (stacked * present[..., None]).sum(0) / np.maximum(counts, 1)[:, None]
    return rows.astype(np.float32), counts > 0


def _standardised(rows: np.ndarray, present: np.ndarray) -> np.ndarray:
    out = np.zeros_like(rows, dtype=np.float64)
    if present.any():
        used = rows[present].astype(np.float64)
        mean, std = used.mean(0), used.std(0)
        out[present] = (used - mean) / np.where(std > _EPS, std, 1.0)
        norms = np.linalg.norm(out[present], axis=1, keepdims=True)
        out[present] /= np.maximum(norms, _EPS)
    return out


def window_descriptors(windows: WindowFeatures) -> WindowDescriptors:
    parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    for name in ("visual", "audio"):
        rows = getattr(windows, name)
        if rows.shape[1] > 0:
            parts.append((name, rows, windows.present[name]))
    lips = _lips_rows(windows)
    if lips is not None:
        parts.append(("lips", *lips))
    if windows.speech is not None and windows.speech.shape[1] > 0:
        parts.append(("speech", windows.speech, windows.present["speech"]))
    if not parts:
        raise LabellingError(None, "the video has neither pictures nor sound to learn labels from")
    present = np.stack([p for _, _, p in parts], axis=1)
    weight = 1.0 / np.sqrt(np.maximum(present.sum(1, keepdims=True), 1))
    columns = [_standardised(rows, p) * weight for _, rows, p in parts]
    vectors = np.concatenate(columns, axis=1).astype(np.float32)
    return WindowDescriptors(
        grid=windows.grid,
        vectors=vectors,
        modalities=tuple((name, rows.shape[1]) for name, rows, _ in parts),
        present=present,
    )
