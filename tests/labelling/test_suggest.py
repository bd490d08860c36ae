"""Few-shot label suggestions on real decoded media: generalise to new footage of a label, leave
the unknown unlabelled, take rejections as negatives, ask about the least certain window."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import SHARED_DATA
from tests.labelling.conftest import SCENE_S
from vidmeta.domain import CancelToken, LabellingError, ProjectDocument, Segment, SegmentSource, Tier, TierKind
from vidmeta.features import extract_features
from vidmeta.labelling import window_descriptors
from vidmeta.labelling.examples import REJECTED_TIER
from vidmeta.pipeline.jobs import run_job
from vidmeta.pipeline.labelling_jobs import suggest_labels_job, suggestions_from


def _document(*segments: tuple[float, float, str], rejected: tuple[tuple[float, float, str], ...] = ()) -> ProjectDocument:
    tiers = [Tier("Labels", TierKind.ANNOTATION, tuple(Segment(a, b, label) for a, b, label in segments))]
    if rejected:
        tiers.append(Tier(REJECTED_TIER, TierKind.REJECTED, tuple(Segment(a, b, label) for a, b, label in rejected)))
    return ProjectDocument(tiers=tuple(tiers))


def _label_seconds(segments, label: str, start: float, end: float) -> float:
    return sum(max(0.0, min(s.end, end) - max(s.start, start)) for s in segments if s.label == label)


@pytest.fixture(scope="module")
def alternating_descriptors(alternating_video):
    features = run_job(extract_features(alternating_video, cancel=CancelToken()))
    return window_descriptors(features.windows), features.media.duration


def test_two_labelled_scenes_label_the_new_footage_of_each(alternating_video):
    doc = _document((0.5, 2.5, "talking"), (3.5, 5.5, "fractal"))
    result = run_job(suggest_labels_job(alternating_video, doc, cancel=CancelToken()))
    segments = result.tier.segments
    assert result.tier.kind == TierKind.SUGGESTION and segments
    assert all(s.source == SegmentSource.MODEL and 0.5 < s.confidence <= 1.0 for s in segments)
    for k in range(2, 6):  # scenes 2..5 were never labelled: A B A B
        start, end = k * SCENE_S, (k + 1) * SCENE_S
        right, wrong = ("talking", "fractal") if k % 2 == 0 else ("fractal", "talking")
        assert _label_seconds(segments, right, start, end) >= 0.8 * SCENE_S, (k, segments)
        assert _label_seconds(segments, wrong, start, end) <= 0.3, (k, segments)
    # suggestion boundaries fall within half a window hop (0.25 s) of the real cuts
    cuts = [s.start for s in segments if s.start > 1.0]
    assert all(min(abs(c - k * SCENE_S) for k in range(1, 6)) <= 0.3 for c in cuts), cuts
    # the examples themselves are not proposed again
    assert _label_seconds(segments, "talking", 0.5, 2.5) == 0 and _label_seconds(segments, "fractal", 3.5, 5.5) == 0


def test_a_label_is_not_proposed_where_nothing_looks_like_it(alternating_descriptors):
    descriptors, duration = alternating_descriptors
    result = suggestions_from(_document((0.5, 2.5, "talking")), descriptors, duration=duration)
    segments = result.tier.segments
    for k in (1, 3, 5):  # the fractal scenes: unknown, not "talking"
        assert _label_seconds(segments, "talking", k * SCENE_S + 0.3, (k + 1) * SCENE_S - 0.3) == 0, segments
    for k in (2, 4):
        assert _label_seconds(segments, "talking", k * SCENE_S, (k + 1) * SCENE_S) >= 0.8 * SCENE_S, segments


def test_a_rejected_suggestion_becomes_a_negative_example(alternating_descriptors):
    descriptors, duration = alternating_descriptors
    labels = ((0.5, 2.5, "talking"), (3.5, 5.5, "fractal"))
    before = suggestions_from(_document(*labels), descriptors, duration=duration).tier.segments
    assert _label_seconds(before, "talking", 6.3, 8.7) >= 2.0
    after = suggestions_from(_document(*labels, rejected=((6.0, 9.0, "talking"),)), descriptors,
                             duration=duration).tier.segments
    assert _label_seconds(after, "talking", 6.3, 8.7) == 0, after
    assert _label_seconds(after, "fractal", 9.3, 11.7) >= 2.0  # other labels are untouched


def test_ask_me_next_points_at_a_scene_change(alternating_descriptors):
    descriptors, duration = alternating_descriptors
    result = suggestions_from(_document((0.5, 2.5, "talking"), (3.5, 5.5, "fractal")), descriptors, duration=duration)
    assert result.ask_next is not None and result.ask_next > 5.5
    # windows straddling a cut mix both scenes: that is where the model is least sure
    assert min(abs(result.ask_next - k * SCENE_S) for k in range(2, 6)) <= 0.5, result.ask_next
    top2 = np.sort(result.scores.probabilities, axis=1)[:, -2:]
    w = descriptors.window_at(result.ask_next)
    assert top2[w, 1] - top2[w, 0] < 0.5


def test_no_labelled_segment_is_a_clear_error(alternating_descriptors):
    descriptors, duration = alternating_descriptors
    with pytest.raises(LabellingError, match="label a few segments first"):
        suggestions_from(_document((1.0, 1.2, "too short")), descriptors, duration=duration)


def test_real_clip_extends_a_label_to_the_rest_of_its_shot():
    clip = SHARED_DATA / "scenes" / "testvideo.mp4"
    if not clip.is_file():
        pytest.skip(f"{clip} not found (the shared data folder is not beside the repo)")
    doc = _document((1.5, 4.0, "first shot"), (14.0, 18.0, "third shot"))
    segments = run_job(suggest_labels_job(clip, doc, cancel=CancelToken())).tier.segments
    # the first shot runs from the cut at 1.0 s to the cut at 6.0 s (scenedetect, see tests/test_shots.py)
    assert _label_seconds(segments, "first shot", 4.0, 6.0) >= 1.5, segments
    # the middle shot (6.0 to 13.1 s) looks like neither example
    assert _label_seconds(segments, "first shot", 6.5, 12.5) == 0 and _label_seconds(segments, "third shot", 6.5, 12.5) == 0
