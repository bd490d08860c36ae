"""One fused descriptor per analysis window, built from the cached window features.

Each modality (visual, audio, lips, speech) is standardised with the statistics of the video's
own windows (so a dimension that never changes in this video cannot dominate), scaled to unit
length, and the present modalities are concatenated with weight 1/sqrt(count): every window's
vector has unit length whatever it lacks, so squared Euclidean distances are comparable across
windows. Examples brought from another video (a label set) keep their raw rows and go through
the same transform with this video's statistics, so they land in the same space.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from vidmeta.domain import LabellingError
from vidmeta.features import WindowFeatures, WindowGrid

_EPS = 1e-6


@dataclass(frozen=True)
class ModalityStats:
    mean: np.ndarray  # float64 [D]
    std: np.ndarray  # float64 [D], 1 where the dimension does not vary


@dataclass(frozen=True)
class WindowDescriptors:
    grid: WindowGrid
    vectors: np.ndarray  # float32 [W, D], unit length rows (zero rows where nothing is present)
    modalities: tuple[tuple[str, int], ...]  # (name, width) in the order of the columns
    present: np.ndarray  # bool [W, M]
    raw: dict[str, np.ndarray]  # modality -> float32 [W, width], before standardising
    stats: dict[str, ModalityStats]

    def __len__(self) -> int:
        return len(self.grid)

    def window_at(self, t: float) -> int:
        """Index of the window whose centre is nearest to time ``t``."""
        return int(np.argmin(np.abs(self.grid.centres - t)))

    def modality_units(self) -> dict[str, np.ndarray]:
        """Each modality standardised and scaled to unit length (zeros where absent), [W, width] each:
        the inputs of a learned fusion mapping."""
        out = {}
        for i, (name, _) in enumerate(self.modalities):
            out[name] = _fuse([(name, self.raw[name], self.present[:, i])], {name: self.stats[name]})
        return out

    def with_vectors(self, vectors: np.ndarray) -> "WindowDescriptors":
        """The same windows described by other vectors (e.g. a learned mapping's embeddings)."""
        return dataclasses.replace(self, vectors=vectors.astype(np.float32))

    def transform(self, raw: dict[str, np.ndarray], present: dict[str, np.ndarray]) -> np.ndarray:
        """Descriptors of rows from elsewhere (e.g. another video) in this video's space.

        Modalities this video lacks are ignored; rows lacking all of this video's modalities come
        out as zero vectors.
        """
        n = len(next(iter(raw.values()))) if raw else 0
        columns, masks = [], []
        for name, width in self.modalities:
            rows = raw.get(name)
            if rows is None:
                columns.append(np.zeros((n, width)))
                masks.append(np.zeros(n, bool))
                continue
            if rows.shape[1] != width:
                raise LabellingError(None, f"the {name} features have {rows.shape[1]} values, this video's have "
                                           f"{width}: the examples were made with other feature settings")
            columns.append(rows)
            masks.append(np.asarray(present[name], bool))
        return _fuse([(name, c, m) for (name, _), c, m in zip(self.modalities, columns, masks)], self.stats)


def _lips_rows(windows: WindowFeatures) -> tuple[np.ndarray, np.ndarray] | None:
    """Lip features of all visible faces, averaged per window (who speaks is the speaker issue's job)."""
    if not windows.lips:
        return None
    stacked = np.stack([windows.lips[k] for k in sorted(windows.lips)])  # [T, W, Dl]
    present = np.stack([windows.lips_present[k] for k in sorted(windows.lips)])  # [T, W]
    counts = present.sum(0)
    rows = (stacked * present[..., None]).sum(0) / np.maximum(counts, 1)[:, None]
    return rows.astype(np.float32), counts > 0


def _stats(rows: np.ndarray, present: np.ndarray) -> ModalityStats:
    used = rows[present].astype(np.float64)
    if len(used) == 0:
        return ModalityStats(np.zeros(rows.shape[1]), np.ones(rows.shape[1]))
    std = used.std(0)
    return ModalityStats(used.mean(0), np.where(std > _EPS, std, 1.0))


def _fuse(parts: list[tuple[str, np.ndarray, np.ndarray]], stats: dict[str, ModalityStats]) -> np.ndarray:
    """Standardise, unit-normalise and concatenate the modalities with weight 1/sqrt(present count)."""
    present = np.stack([p for _, _, p in parts], axis=1)
    weight = 1.0 / np.sqrt(np.maximum(present.sum(1, keepdims=True), 1))
    columns = []
    for name, rows, mask in parts:
        out = np.zeros(rows.shape, dtype=np.float64)
        if mask.any():
            s = stats[name]
            z = (rows[mask].astype(np.float64) - s.mean) / s.std
            out[mask] = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), _EPS)
        columns.append(out * weight)
    return np.concatenate(columns, axis=1).astype(np.float32)


def modality_rows(windows: WindowFeatures) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, float32 [W, width] rows, bool [W] present) of every modality the video has."""
    parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    for name in ("visual", "audio"):
        rows = getattr(windows, name)
        if rows.shape[1] > 0:
            parts.append((name, rows.astype(np.float32), np.asarray(windows.present[name], bool)))
    lips = _lips_rows(windows)
    if lips is not None:
        parts.append(("lips", *lips))
    if windows.speech is not None and windows.speech.shape[1] > 0:
        parts.append(("speech", windows.speech.astype(np.float32), np.asarray(windows.present["speech"], bool)))
    return parts


def window_descriptors(
    windows: WindowFeatures, *, also: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = ()
) -> WindowDescriptors:
    """Descriptors of a video's windows.

    ``also``: more (raw rows, present) per modality to take the standardising statistics over, with
    the video's own windows; e.g. the examples of a label set from other videos. Statistics of
    one video alone remove what the whole video shares, which is what tells it from another video
    (a person, a place); pooled over the examples' videos too, that difference survives.
    """
    parts = modality_rows(windows)
    if not parts:
        raise LabellingError(None, "the video has neither pictures nor sound to learn labels from")
    stats = {}
    for name, rows, present in parts:
        pooled_rows, pooled_present = [rows], [present]
        for raw, flags in also:
            if name in raw and raw[name].shape[1] == rows.shape[1]:
                pooled_rows.append(raw[name])
                pooled_present.append(np.asarray(flags[name], bool))
        stats[name] = _stats(np.concatenate(pooled_rows), np.concatenate(pooled_present))
    return WindowDescriptors(
        grid=windows.grid,
        vectors=_fuse(parts, stats),
        modalities=tuple((name, rows.shape[1]) for name, rows, _ in parts),
        present=np.stack([p for _, _, p in parts], axis=1),
        raw={name: rows for name, rows, _ in parts},
        stats=stats,
    )
