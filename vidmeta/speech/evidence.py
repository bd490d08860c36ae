"""Speech evidence for the gate, read off the features of a video."""

from __future__ import annotations

import numpy as np

from vidmeta.domain import TimeRange
from vidmeta.features import NO_SPEAKER, VideoFeatures
from vidmeta.speech.gate import SpeechEvidence, WindowEvidence

# Mouth motion (1/64 face widths per frame) above which lips count as moving. A frozen face measures
# about 0.001-0.005 (codec noise); talking faces in the GRID and talking clips measure 0.03-0.45.
LIP_MOTION_THRESHOLD = 0.02


def speech_evidence(features: VideoFeatures) -> SpeechEvidence:
    regions = tuple(TimeRange(r.start, r.end) for r in features.speakers.regions)
    if features.visual is None:
        return SpeechEvidence(regions=regions)  # audio only: no faces to consult
    grid = features.speakers.grid
    active = features.speakers.active_track
    windows = []
    for i, (start, end) in enumerate(zip(grid.starts, grid.ends)):
        visible, moving = False, False
        for lips in features.lips:
            inside = (lips.times >= start) & (lips.times < end)
            if inside.any():
                visible = True
                moving = moving or float(np.mean(lips.motion[inside])) > LIP_MOTION_THRESHOLD
        track = int(active[i])
        windows.append(WindowEvidence(float(start), float(end), visible, moving,
                                      None if track == NO_SPEAKER else track))
    return SpeechEvidence(regions=regions, windows=tuple(windows))
