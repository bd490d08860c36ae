"""What feature extraction does, as one frozen set of options.

The fields are grouped by the part of the extraction they change; the feature cache keys each part
by its own group only, so changing, say, the DCT size recomputes lips but not faces or audio.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

# Cache part -> the option fields its result depends on (window/hop/sync fields are applied to the
# cached time series at load time, so they are in no part).
PART_FIELDS: dict[str, tuple[str, ...]] = {
    "visual": ("work_height", "visual_rate", "visual_size", "hsv_bins", "gradient_grid", "gradient_bins",
               "motion_stride", "visual_backbone"),
    "faces": ("work_height", "detect_every", "search_every", "rescan_every", "detect_height", "min_face", "track_iou", "max_missed",
              "min_track_detections"),
    "lips": ("work_height", "detect_every", "search_every", "rescan_every", "detect_height", "min_face", "track_iou", "max_missed",
             "min_track_detections", "mouth_size", "dct_size"),
    "audio": ("n_mels",),
    "vad": (),
    "speech": ("embedding_rate",),
}


@dataclass(frozen=True, slots=True)
class FeatureOptions:
    # Windows
    window: float = 1.0  # seconds each analysis window spans
    hop: float = 0.5  # seconds between the starts of consecutive windows

    # Decoding and the visual encoder
    work_height: int = 270  # frames are scaled down (never up) to at most this many rows once, at decode
    visual_rate: float = 4.0  # frames per second given to the colour/gradient descriptors
    visual_size: tuple[int, int] = (128, 72)  # (width, height) the colour/gradient descriptors see
    hsv_bins: tuple[int, int, int] = (8, 4, 4)  # hue, saturation, value histogram bins
    gradient_grid: int = 4  # cells per side of the grid of gradient orientation histograms
    gradient_bins: int = 8  # unsigned orientation bins per cell
    motion_stride: int = 4  # motion energy differences every n-th pixel (each way) of the working frame
    visual_backbone: str | None = None  # path of a local TorchScript image model; None = none
    device: str = "auto"  # "auto" (CUDA when available), "cpu" or "cuda"

    # Faces
    detect_every: int = 5  # frames between re-detections of tracked faces near their boxes (interpolated between)
    search_every: int = 15  # frames between full-frame scans for faces while none is tracked
    rescan_every: int = 45  # frames between full-frame scans for newcomers while faces are tracked
    detect_height: int = 135  # rows of the downscaled grey frame the detector scans (speed vs small faces)
    min_face: float = 0.14  # smallest face searched, as a fraction of the frame height
    track_iou: float = 0.3  # overlap needed to continue a track with a new detection
    max_missed: int = 3  # detection rounds a track may miss before it ends
    min_track_detections: int = 3  # shorter tracks are detector noise and are dropped

    # Lips
    mouth_size: tuple[int, int] = (32, 16)  # (width, height) the mouth region is resampled to
    dct_size: tuple[int, int] = (4, 6)  # (rows, cols) of low-frequency 2-D DCT coefficients kept

    # Audio
    n_mels: int = 64  # log-mel bands for the per-window audio statistics
    embedding_rate: float = 10.0  # whisper encoder embeddings are pooled to this many vectors per second

    # Audio-visual synchrony and speakers
    max_lag: float = 0.2  # seconds of audio-video offset searched each way
    sync_context: float = 2.0  # seconds of signal around each window used to judge synchrony
    speech_threshold: float = 0.5  # VAD probability above which audio counts as speech
    min_speech: float = 0.25  # seconds: shorter speech regions are dropped
    min_silence: float = 0.15  # seconds: shorter gaps inside speech are bridged
    speaker_threshold: float = 1.0  # sync evidence (z-score against shifted audio) needed to name a speaker
    switch_penalty: float = 3.0  # evidence a change of speaker must win by (speakers hold the floor)

    def __post_init__(self) -> None:
        if not (self.window > 0 and self.hop > 0):
            raise ValueError("window and hop must be positive")
        if min(self.detect_every, self.search_every, self.rescan_every) < 1:
            raise ValueError("detect_every, search_every and rescan_every must be at least 1")
        if self.work_height < 32 or self.detect_height < 32:
            raise ValueError("work_height and detect_height must be at least 32 rows")

    def part_params(self, part: str) -> dict[str, Any]:
        """The options a cache part depends on, as JSON-able values."""
        return {name: _plain(getattr(self, name)) for name in PART_FIELDS[part]}

    def replace(self, **changes: Any) -> "FeatureOptions":
        return dataclasses.replace(self, **changes)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
