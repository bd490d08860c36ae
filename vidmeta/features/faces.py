"""Faces: OpenCV Haar detection on a downscaled grey frame, and IoU matching into tracks.

A full-frame scan is slow (10-25 ms on two busy cores even at 135 rows), so it runs only to find
new faces: every `search_every` frames while no face is tracked, every `rescan_every` while some are,
and at once when a tracked face was not found near its box. Tracked faces are re-detected every `detect_every` frames
in a small region around their last box, at the scales near their size, which costs a fraction of
a millisecond. Frames in between wait in a short buffer until the next detection, so their boxes
are interpolated between two detections instead of jumping.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from vidmeta.features.options import FeatureOptions

_CASCADE = "haarcascade_frontalface_default.xml"  # found more faces than alt/alt2 on the real clips
_SCALE_STEP = 1.2  # detector pyramid step: 1.1 doubles the time for no gain on talking heads
_MIN_NEIGHBOURS = 3  # overlapping hits needed; spurious single hits are left to min_track_detections
_NEAR_MARGIN = 0.5  # a tracked face is searched for within half its size around its last box
_NEAR_FACE_PX = 48  # ... in a crop scaled so the face is this wide (the cascade window is 24)
_NEAR_SCALES = (0.75, 1.35)  # ... at sizes between these fractions of its last size


@dataclass(frozen=True)
class FaceTrack:
    """One face followed over time. Boxes are in pixels of the source video (as displayed)."""

    id: int  # stable within one extraction: tracks are numbered in order of first appearance
    times: np.ndarray  # float64 [N] PTS (seconds) of every frame on which the face is tracked
    boxes: np.ndarray  # float32 [N, 4] x, y, width, height at those frames
    detected: np.ndarray  # bool [N] True where the detector fired; False where interpolated

    @property
    def start(self) -> float:
        return float(self.times[0])

    @property
    def end(self) -> float:
        return float(self.times[-1])

    def box_at(self, t: float) -> np.ndarray | None:
        """The box on the frame on screen at `t`, or None outside the track."""
        if len(self.times) == 0 or t < self.times[0]:
            return None
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        if i == len(self.times) - 1 and t - self.times[-1] > _frame_gap(self.times):
            return None
        return self.boxes[i]

    def present(self, times: np.ndarray) -> np.ndarray:
        """bool [len(times)]: whether the track has a box on the frame at each time."""
        times = np.asarray(times, dtype=np.float64)
        if len(self.times) == 0:
            return np.zeros(len(times), dtype=bool)
        return (times >= self.times[0] - 1e-6) & (times <= self.times[-1] + 1e-6)


def _frame_gap(times: np.ndarray) -> float:
    return float(np.median(np.diff(times))) if len(times) > 1 else 0.1


class FaceDetector:
    """Haar frontal faces on a grey frame; boxes come back in the frame's own pixels."""

    def __init__(self, *, detect_height: int, min_face: float):
        import cv2

        self._cv2 = cv2
        self._cascade = cv2.CascadeClassifier(cv2.data.haarcascades + _CASCADE)
        if self._cascade.empty():
            raise RuntimeError(f"OpenCV could not load its {_CASCADE}")
        self.detect_height = detect_height
        self.min_face = min_face

    def detect(self, gray: np.ndarray) -> np.ndarray:
        """float32 [K, 4] (x, y, w, h) in the pixels of `gray`."""
        cv2 = self._cv2
        h, w = gray.shape
        factor = min(1.0, self.detect_height / h)
        small = gray if factor == 1.0 else cv2.resize(
            gray, (max(1, round(w * factor)), self.detect_height), interpolation=cv2.INTER_AREA
        )
        side = max(20, int(round(self.min_face * small.shape[0])))
        found = self._cascade.detectMultiScale(
            small, scaleFactor=_SCALE_STEP, minNeighbors=_MIN_NEIGHBOURS, minSize=(side, side)
        )
        if len(found) == 0:
            return np.zeros((0, 4), dtype=np.float32)
        return (np.asarray(found, dtype=np.float32) / factor).reshape(-1, 4)

    def detect_near(self, gray: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """Faces near each of `boxes` (x, y, w, h in gray's pixels), at about their size: [K, 4]."""
        cv2 = self._cv2
        H, W = gray.shape
        found = []
        for x, y, w, h in np.asarray(boxes, dtype=np.float64).reshape(-1, 4):
            x0, y0 = max(0, int(x - _NEAR_MARGIN * w)), max(0, int(y - _NEAR_MARGIN * h))
            x1, y1 = min(W, int(x + (1 + _NEAR_MARGIN) * w)), min(H, int(y + (1 + _NEAR_MARGIN) * h))
            if x1 - x0 < 8 or y1 - y0 < 8:
                continue
            factor = min(1.0, _NEAR_FACE_PX / max(w, 1.0))
            crop = gray[y0:y1, x0:x1]
            if factor < 1.0:
                crop = cv2.resize(crop, (max(1, round((x1 - x0) * factor)), max(1, round((y1 - y0) * factor))),
                                  interpolation=cv2.INTER_AREA)
            side = w * factor
            lo, hi = max(20, int(_NEAR_SCALES[0] * side)), int(np.ceil(_NEAR_SCALES[1] * side))
            if hi <= lo or min(crop.shape) < lo:
                continue
            hits = self._cascade.detectMultiScale(crop, scaleFactor=_SCALE_STEP, minNeighbors=_MIN_NEIGHBOURS,
                                                  minSize=(lo, lo), maxSize=(hi, hi))
            for bx, by, bw, bh in np.asarray(hits, dtype=np.float64).reshape(-1, 4):
                found.append((x0 + bx / factor, y0 + by / factor, bw / factor, bh / factor))
        if not found:
            return np.zeros((0, 4), dtype=np.float32)
        return _suppress(np.asarray(found, dtype=np.float32))


def _suppress(boxes: np.ndarray, overlap: float = 0.5) -> np.ndarray:
    """Drop boxes overlapping an earlier, larger one (neighbouring search regions see one face twice)."""
    order = np.argsort(-(boxes[:, 2] * boxes[:, 3]))
    keep: list[int] = []
    for i in order:
        if not keep or iou(boxes[i], boxes[keep]).max() < overlap:
            keep.append(int(i))
    return boxes[sorted(keep)]


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of boxes a [A,4] and b [B,4] (x, y, w, h): [A, B]."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    x0 = np.maximum(a[:, None, 0], b[None, :, 0])
    y0 = np.maximum(a[:, None, 1], b[None, :, 1])
    x1 = np.minimum(a[:, None, 0] + a[:, None, 2], b[None, :, 0] + b[None, :, 2])
    y1 = np.minimum(a[:, None, 1] + a[:, None, 3], b[None, :, 1] + b[None, :, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    union = (a[:, 2] * a[:, 3])[:, None] + (b[:, 2] * b[:, 3])[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)


def match_boxes(previous: np.ndarray, current: np.ndarray, *, min_iou: float) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (previous index, current index), best overlap first."""
    if len(previous) == 0 or len(current) == 0:
        return []
    overlap = iou(previous, current)
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_c: set[int] = set()
    for flat in np.argsort(-overlap, axis=None):
        i, j = divmod(int(flat), overlap.shape[1])
        if overlap[i, j] < min_iou:
            break
        if i not in used_p and j not in used_c:
            pairs.append((i, j))
            used_p.add(i)
            used_c.add(j)
    return pairs


@dataclass
class TrackState:
    """A track being built; boxes are in working-frame pixels until the track is finished."""

    key: int  # order of creation; final ids are assigned by first appearance after pruning
    last_index: int  # frame index of the last detection (or last interpolated frame)
    last_box: np.ndarray  # float32 [4] box at last_index
    missed: int = 0  # detection rounds since the last match
    detections: int = 1
    times: list[float] = field(default_factory=list)
    boxes: list[np.ndarray] = field(default_factory=list)
    detected: list[bool] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Observation:
    """A tracked face on one frame, with the frame and the one before it (for motion)."""

    key: int  # TrackState.key
    index: int  # frame index in decode order
    pts: float
    box: np.ndarray  # float32 [4] working-frame pixels
    detected: bool
    gray: np.ndarray  # uint8 [H, W] this frame
    previous: np.ndarray | None  # uint8 [H, W] the frame before, None for the first frame


class FaceTracker:
    """Online detection and IoU tracking; `push` returns the observations it can now settle.

    A track's frames between two detections are settled when the second detection arrives;
    a track that misses more than `max_missed` rounds ends at its last detection.
    """

    def __init__(self, *, options: FeatureOptions):
        self._options = options
        self._detector = FaceDetector(detect_height=options.detect_height, min_face=options.min_face)
        self._frames: dict[int, tuple[float, np.ndarray]] = {}  # index -> (pts, grey) still needed
        self._alive: list[TrackState] = []
        self._ended: list[TrackState] = []
        self._next_key = 0
        self._last_index = -1
        self._last_detection = -1  # frame index of the last detector run (full or near tracks)
        self._last_search = -1  # frame index of the last full-frame scan

    def push(self, index: int, pts: float, gray: np.ndarray) -> list[Observation]:
        """Add frame `index` (consecutive from 0)."""
        self._frames[index] = (pts, gray)
        self._last_index = index
        out: list[Observation] = []
        search = self._options.rescan_every if self._alive else self._options.search_every
        due = index - self._last_detection >= self._options.detect_every
        lost = any(s.missed for s in self._alive)  # the near search missed a face: look everywhere
        if self._last_search < 0 or index - self._last_search >= search or (due and lost):
            self._last_search = self._last_detection = index
            out = list(self._on_detection(index, self._detector.detect(gray)))
        elif self._alive and due:
            self._last_detection = index
            near = self._detector.detect_near(gray, np.array([s.last_box for s in self._alive]))
            out = list(self._on_detection(index, near))
        self._trim()
        return out

    def finish(self) -> tuple[list[Observation], list[TrackState]]:
        """Settle the frames after the last detection (holding the last box); all track states."""
        out: list[Observation] = []
        for state in self._alive:
            if state.missed == 0:
                out.extend(self._advance(state, self._last_index, state.last_box, interpolate=False))
        states = self._ended + self._alive
        self._alive, self._ended, self._frames = [], [], {}
        return out, states

    def _on_detection(self, index: int, boxes: np.ndarray) -> Iterator[Observation]:
        previous = np.array([s.last_box for s in self._alive], dtype=np.float32).reshape(-1, 4)
        pairs = match_boxes(previous, boxes, min_iou=self._options.track_iou)
        for i, j in pairs:
            state = self._alive[i]
            yield from self._advance(state, index, boxes[j], interpolate=True)
            state.missed = 0
            state.detections += 1
        matched = {i for i, _ in pairs}
        still = []
        for i, state in enumerate(self._alive):
            if i not in matched:
                state.missed += 1
            (still if state.missed <= self._options.max_missed else self._ended).append(state)
        self._alive = still
        used = {j for _, j in pairs}
        for j in range(len(boxes)):
            if j not in used:
                state = TrackState(key=self._next_key, last_index=index, last_box=boxes[j])
                self._next_key += 1
                self._alive.append(state)
                yield self._observe(state, index, boxes[j], detected=True)

    def _advance(self, state: TrackState, index: int, box: np.ndarray, *, interpolate: bool) -> Iterator[Observation]:
        """Frames (state.last_index, index], boxes interpolated by PTS between the two ends."""
        t0 = self._frames[state.last_index][0] if state.last_index in self._frames else None
        t1 = self._frames[index][0]
        start_box = state.last_box
        for f in range(state.last_index + 1, index + 1):
            pts = self._frames[f][0]
            if interpolate and t0 is not None and t1 > t0:
                a = (pts - t0) / (t1 - t0)
                b = (1.0 - a) * start_box + a * box
            else:
                b = box
            yield self._observe(state, f, b.astype(np.float32), detected=interpolate and f == index)
        state.last_index = index
        state.last_box = np.asarray(box, dtype=np.float32)

    def _observe(self, state: TrackState, index: int, box: np.ndarray, *, detected: bool) -> Observation:
        pts, gray = self._frames[index]
        prev = self._frames.get(index - 1)
        state.times.append(pts)
        state.boxes.append(np.asarray(box, dtype=np.float32))
        state.detected.append(detected)
        return Observation(state.key, index, pts, np.asarray(box, dtype=np.float32), detected, gray,
                           None if prev is None else prev[1])

    def _trim(self) -> None:
        """Forget frames no track can still need (an observation also needs the frame before)."""
        oldest = min([s.last_index for s in self._alive] + [self._last_index])
        for f in [f for f in self._frames if f < oldest - 1]:
            del self._frames[f]


def finish_tracks(states: list[TrackState], *, scale: float, options: FeatureOptions) -> tuple[list[FaceTrack], dict[int, int]]:
    """FaceTracks in source pixels, and the map from state key to final id (dropped keys absent)."""
    kept = [s for s in states if s.detections >= options.min_track_detections and s.times]
    kept.sort(key=lambda s: (s.times[0], s.key))
    tracks, ids = [], {}
    for new_id, s in enumerate(kept):
        ids[s.key] = new_id
        tracks.append(
            FaceTrack(
                id=new_id,
                times=np.asarray(s.times, dtype=np.float64),
                boxes=(np.asarray(s.boxes, dtype=np.float32) / scale).reshape(-1, 4),
                detected=np.asarray(s.detected, dtype=bool),
            )
        )
    return tracks, ids
