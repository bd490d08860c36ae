"""Lips: the mouth of every tracked face on every frame, as DCT coefficients and motion energy.

Motion is measured with dense optical flow on the lower face, after removing the flow common to
the whole region (the head moving): what is left is the mouth opening, closing and stretching.
Plain frame differences were tried first; on the real clips head motion and box drift drowned
the lips in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from vidmeta.features.faces import FaceTrack, FaceTracker, Observation, finish_tracks
from vidmeta.features.options import FeatureOptions

# Regions inside a Haar frontal-face box (x0, y0, x1, y1 as fractions of the box), read off the real
# talking-head and GRID clips: the box spans brows to chin, the lip line sits at 0.75-0.81.
MOUTH_REGION = (0.22, 0.62, 0.78, 0.95)
LOWER_FACE = (0.15, 0.50, 0.85, 1.05)  # where the flow is computed (chin included: the jaw moves too)
_FLOW_SIZE = (64, 48)  # (w, h) the lower face is resampled to: flow is then in face-relative units
_FLOW_MOUTH = (0.15, 0.22, 0.85, 0.82)  # the mouth inside the resampled lower face
_CONTRAST_FLOOR = 0.03  # std (of [0,1] grey) below which a mouth patch is not stretched further


@dataclass(frozen=True)
class LipTrack:
    """Lip features of one face track at the video frame rate."""

    track_id: int  # the FaceTrack this belongs to
    times: np.ndarray  # float64 [N] PTS seconds, the same frames as the FaceTrack
    dct: np.ndarray  # float32 [N, D] low-frequency 2-D DCT of the normalised mouth (DC left out)
    motion: np.ndarray  # float32 [N] mouth motion energy: mean non-rigid flow, 1/64 face widths per frame


def dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II matrix [n, n]: coefficients = D @ signal."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    d = np.sqrt(2.0 / n) * np.cos(np.pi * (2 * i + 1) * k / (2 * n))
    d[0] /= np.sqrt(2.0)
    return d.astype(np.float32)


def _region(face: np.ndarray, fractions: tuple[float, float, float, float], shape: tuple[int, int]):
    x, y, w, h = (float(v) for v in face)
    fx0, fy0, fx1, fy1 = fractions
    x0, y0 = max(0, int(round(x + fx0 * w))), max(0, int(round(y + fy0 * h)))
    x1, y1 = min(shape[1], int(round(x + fx1 * w))), min(shape[0], int(round(y + fy1 * h)))
    return x0, y0, x1, y1


class LipMeasurer:
    """Turns observations of tracked faces into per-track DCT rows and motion values."""

    def __init__(self, *, options: FeatureOptions):
        import cv2

        self._cv2 = cv2
        self._mouth_size = tuple(options.mouth_size)
        rows, cols = options.dct_size
        self._dct_rows = dct_matrix(options.mouth_size[1])[:rows]
        self._dct_cols = dct_matrix(options.mouth_size[0])[:cols]
        self._flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
        fw, fh = _FLOW_SIZE
        mx0, my0, mx1, my1 = _FLOW_MOUTH
        self._flow_mouth = (slice(int(my0 * fh), int(my1 * fh)), slice(int(mx0 * fw), int(mx1 * fw)))
        self.rows: dict[int, list[np.ndarray]] = {}
        self.motion: dict[int, list[float]] = {}
        self.times: dict[int, list[float]] = {}

    def measure(self, observations: Iterable[Observation]) -> None:
        for ob in observations:
            rows = self.rows.setdefault(ob.key, [])
            rows.append(self._dct(ob.gray, ob.box))
            self.motion.setdefault(ob.key, []).append(self._motion(ob))
            self.times.setdefault(ob.key, []).append(ob.pts)

    def lip_track(self, key: int, track_id: int) -> LipTrack:
        rows = self.rows.get(key, [])
        width = self._dct_rows.shape[0] * self._dct_cols.shape[0] - 1
        return LipTrack(
            track_id=track_id,
            times=np.asarray(self.times.get(key, []), dtype=np.float64),
            dct=np.asarray(rows, dtype=np.float32).reshape(len(rows), width),
            motion=np.asarray(self.motion.get(key, []), dtype=np.float32),
        )

    def _dct(self, gray: np.ndarray, box: np.ndarray) -> np.ndarray:
        cv2 = self._cv2
        x0, y0, x1, y1 = _region(box, MOUTH_REGION, gray.shape)
        width = self._dct_rows.shape[0] * self._dct_cols.shape[0] - 1
        if x1 - x0 < 2 or y1 - y0 < 2:
            return np.zeros(width, dtype=np.float32)  # face at the frame edge: no mouth to see
        patch = cv2.resize(gray[y0:y1, x0:x1], self._mouth_size, interpolation=cv2.INTER_AREA)
        patch = patch.astype(np.float32) * (1.0 / 255.0)
        patch -= patch.mean()
        patch *= 1.0 / max(float(patch.std()), _CONTRAST_FLOOR)
        return (self._dct_rows @ patch @ self._dct_cols.T).reshape(-1)[1:]

    def _motion(self, ob: Observation) -> float:
        if ob.previous is None:
            return 0.0
        cv2 = self._cv2
        x0, y0, x1, y1 = _region(ob.box, LOWER_FACE, ob.gray.shape)
        if x1 - x0 < 4 or y1 - y0 < 4:
            return 0.0
        # Both frames are cut with this frame's box, so box interpolation is not read as motion.
        now = cv2.resize(ob.gray[y0:y1, x0:x1], _FLOW_SIZE, interpolation=cv2.INTER_AREA)
        before = cv2.resize(ob.previous[y0:y1, x0:x1], _FLOW_SIZE, interpolation=cv2.INTER_AREA)
        flow = self._flow.calc(before, now, None)
        rigid = np.median(flow[::3, ::3].reshape(-1, 2), axis=0)  # the head's own motion (sparse: cheap)
        residual = flow[self._flow_mouth] - rigid
        return float(np.mean(np.hypot(residual[..., 0], residual[..., 1])))


class FaceLipPass:
    """Faces and lips from one sequential pass over the frames (push each, then finish)."""

    def __init__(self, *, options: FeatureOptions, scale: float):
        self._options = options
        self._scale = scale  # working pixels per source pixel, to report boxes in source pixels
        self._tracker = FaceTracker(options=options)
        self._measurer = LipMeasurer(options=options)

    def push(self, index: int, pts: float, gray: np.ndarray) -> None:
        self._measurer.measure(self._tracker.push(index, pts, gray))

    def finish(self) -> tuple[list[FaceTrack], list[LipTrack]]:
        last, states = self._tracker.finish()
        self._measurer.measure(last)
        faces, ids = finish_tracks(states, scale=self._scale, options=self._options)
        lips = [self._measurer.lip_track(key, track_id) for key, track_id in ids.items()]
        return faces, sorted(lips, key=lambda lip: lip.track_id)


class LipReplay:
    """Lips for face tracks already known (from the cache): no detection, the same boxes."""

    def __init__(self, *, faces: list[FaceTrack], options: FeatureOptions, scale: float):
        self._faces = faces
        self._scale = scale
        self._measurer = LipMeasurer(options=options)
        self._rows = [{round(float(t), 6): i for i, t in enumerate(f.times)} for f in faces]
        self._previous: np.ndarray | None = None

    def push(self, index: int, pts: float, gray: np.ndarray) -> None:
        key = round(float(pts), 6)
        obs = []
        for face, rows in zip(self._faces, self._rows):
            i = rows.get(key)
            if i is not None:
                box = face.boxes[i] * self._scale
                obs.append(Observation(face.id, index, pts, box, bool(face.detected[i]), gray, self._previous))
        self._measurer.measure(obs)
        self._previous = gray

    def finish(self) -> list[LipTrack]:
        return [self._measurer.lip_track(face.id, face.id) for face in self._faces]
