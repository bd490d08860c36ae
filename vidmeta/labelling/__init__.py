"""Few-shot labelling: learn the user's labels from a few segments and propose them everywhere else.

The pieces, lowest first: ``descriptors`` turns a video's window features into one fused vector
per window; ``examples`` reads the user's labelled (and rejected) windows out of the document;
``suggest`` adapts a prototype classifier on them, labels every window with an open-set
"unknown", smooths over time and returns suggestion segments with confidences.
"""

from vidmeta.labelling.descriptors import WindowDescriptors, window_descriptors
from vidmeta.labelling.examples import Examples, examples_from_document, window_coverage
from vidmeta.labelling.suggest import (
    SuggestOptions,
    Support,
    WindowScores,
    least_certain_window,
    score_windows,
    suggest_segments,
    suggestions_tier,
)

__all__ = [
    "Examples",
    "SuggestOptions",
    "Support",
    "WindowDescriptors",
    "WindowScores",
    "examples_from_document",
    "least_certain_window",
    "score_windows",
    "suggest_segments",
    "suggestions_tier",
    "window_coverage",
    "window_descriptors",
]
