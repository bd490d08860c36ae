"""Schema migrations of project files, one function per step, applied in order on load.

Schema 1 (vidmeta 0.0.x) kept a model's score as `score`, had no segment `source` (model output lived
only in suggestion tiers) and no label vocabulary (labels were implied by the segments).
Schema 2 adds `source`, renames `score` to `confidence`, and stores the vocabulary in `labels`.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    names: list[str] = []
    for tier in data.get("tiers", []):
        model_tier = tier.get("kind") == "suggestion"
        for seg in tier.get("segments", []):
            seg["confidence"] = seg.pop("score", None)
            seg["source"] = "model" if model_tier else "user"
            label = seg.get("label", "")
            if label and label not in names:
                names.append(label)
    data["labels"] = [
        {"name": n, "color": _PALETTE[i % len(_PALETTE)], "hotkey": i + 1 if i < 9 else None}
        for i, n in enumerate(names)
    ]
    return data


_STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def migrate(data: dict[str, Any], target: int) -> dict[str, Any]:
    """Return a copy of `data` brought up to schema `target`; the input dict is not changed."""
    data = copy.deepcopy(data)
    version = data["schema_version"]
    while version < target:
        data = _STEPS[version](data)
        version += 1
        data["schema_version"] = version
    return data
