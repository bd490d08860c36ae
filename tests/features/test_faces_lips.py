"""Face detection, IoU tracking with stable ids, and lip features."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import ffmpeg
from tests.features.conftest import extract
from vidmeta.features.faces import FaceDetector, FaceTrack, _suppress, iou, match_boxes
from vidmeta.features.frame_stream import FrameStream
from vidmeta.features.lips import dct_matrix


def test_iou_and_greedy_matching():
    a = np.array([[0, 0, 10, 10], [100, 100, 20, 20]], dtype=float)
    b = np.array([[102, 101, 20, 20], [1, 0, 10, 10], [300, 300, 5, 5]], dtype=float)
    overlap = iou(a, b)
    assert overlap[0, 1] == pytest.approx(90 / 110) and overlap[0, 2] == 0.0
    assert sorted(match_boxes(a, b, min_iou=0.3)) == [(0, 1), (1, 0)]
    assert match_boxes(a, b[2:], min_iou=0.3) == []
    kept = _suppress(np.array([[0, 0, 10, 10], [1, 1, 10, 10], [50, 50, 4, 4]], dtype=np.float32))
    assert len(kept) == 2


def test_face_track_lookup_by_time():
    track = FaceTrack(0, np.array([1.0, 1.04, 1.08]), np.array([[1, 2, 3, 4], [2, 2, 3, 4], [3, 2, 3, 4]], np.float32),
                      np.array([True, False, True]))
    assert track.box_at(0.5) is None and track.box_at(1.05)[0] == 2 and track.box_at(1.2) is None
    assert track.present(np.array([0.9, 1.0, 1.06, 1.1])).tolist() == [False, True, True, False]


def test_detection_near_a_tracked_face_agrees_with_a_full_scan(shared_data):
    with FrameStream(shared_data / "grid" / "bbaf2n.mpg", max_height=270) as stream:
        gray = next(iter(stream)).gray[0].copy()
    detector = FaceDetector(detect_height=135, min_face=0.14)
    full = detector.detect(gray)
    assert len(full) == 1
    near = detector.detect_near(gray, full + np.array([4, -3, 0, 0], np.float32))  # a slightly stale box
    assert len(near) == 1 and iou(full, near)[0, 0] > 0.6
    assert len(detector.detect_near(np.zeros_like(gray), full)) == 0


def test_a_face_that_leaves_and_returns_gets_a_new_stable_id(shared_data, feature_media):
    """GRID clip, 1 s of black, the clip again: two tracks, numbered by first appearance."""
    clip = shared_data / "grid" / "lbax4n.mpg"
    out = feature_media / "face-gap.mp4"
    if not out.exists():
        ffmpeg("-i", str(clip), "-i", str(clip), "-filter_complex",
               "[0:v]fps=25,format=yuv420p,setsar=1[a];color=black:s=360x288:r=25:d=1,format=yuv420p,setsar=1[b];"
               "[1:v]fps=25,format=yuv420p,setsar=1[c];[a][b][c]concat=n=3:v=1:a=0[v]",
               "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", str(out))
    features = extract(out)
    assert [t.id for t in features.faces] == [0, 1]
    first, second = features.faces
    assert first.end < 3.05 and second.start > 3.95 and second.start < 4.3
    assert first.start < 0.05 and second.end > 6.8
    assert all(lip.track_id == face.id for lip, face in zip(features.lips, features.faces))
    assert np.all(first.detected[::5])  # re-detected near its box every 5th frame


def test_lip_features_move_with_the_mouth(shared_data):
    """On GRID (studio speech), the mouth moves more while speaking than before speech starts."""
    features = extract(shared_data / "grid" / "lbbc2a.mpg")
    lip = features.lips[0]
    speaking = lip.motion[(lip.times > 0.6) & (lip.times < 1.9)]
    before = lip.motion[(lip.times > 0.05) & (lip.times < 0.4)]
    assert speaking.mean() > 2 * before.mean()
    assert lip.dct.shape == (len(lip.times), 4 * 6 - 1) and np.isfinite(lip.dct).all()


def test_dct_matrix_is_orthonormal():
    d = dct_matrix(16)
    assert np.allclose(d @ d.T, np.eye(16), atol=1e-5)
