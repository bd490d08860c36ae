"""Saving and loading learners: weights plus everything needed to rebuild them.

Format (version 1): a safetensors file whose weights are ``learner.state_dict()`` and whose
metadata key ``vidmeta.meta`` holds JSON: ``{"format": 1, "learner": LearnerSpec.to_dict(),
"input_shape": [...], "extra": {...}}`` (``extra``: training options, results, anything the
caller adds). A ``.pt`` file holds the same as ``{"format", "config" (the JSON text),
"state_dict"}`` and is read with ``torch.load(weights_only=True)``. Neither format runs code
on load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from vidmeta.meta.learners import FewShotLearner, LearnerSpec, build_learner

FORMAT_VERSION = 1
METADATA_KEY = "vidmeta.meta"


def _config(learner: FewShotLearner, extra: dict[str, Any] | None) -> str:
    return json.dumps(
        {
            "format": FORMAT_VERSION,
            "learner": learner.spec.to_dict(),
            "input_shape": list(learner.input_shape),
            "extra": extra or {},
        },
        sort_keys=True,
    )


def save_learner(learner: FewShotLearner, path: str | Path, *, extra: dict[str, Any] | None = None) -> Path:
    """Write ``learner`` to ``path`` (.safetensors, or .pt for a plain state dict); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous().clone() for k, v in learner.state_dict().items()}
    config = _config(learner, extra)
    tmp = path.with_name(path.name + ".tmp")
    if path.suffix == ".pt":
        torch.save({"format": FORMAT_VERSION, "config": config, "state_dict": state}, tmp)
    else:
        save_file(state, str(tmp), metadata={METADATA_KEY: config})
    tmp.replace(path)  # atomic: a crash never leaves half a checkpoint under the real name
    return path


def read_checkpoint_config(path: str | Path) -> dict[str, Any]:
    """The JSON configuration of a checkpoint (learner spec, input shape, extra) without its weights."""
    path = Path(path)
    if path.suffix == ".pt":
        return json.loads(torch.load(path, map_location="cpu", weights_only=True)["config"])
    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata() or {}
    if METADATA_KEY not in metadata:
        raise ValueError(f"{path} is not a vidmeta.meta checkpoint (no {METADATA_KEY!r} metadata)")
    return json.loads(metadata[METADATA_KEY])


def load_learner(path: str | Path, *, device: str | torch.device | None = None) -> FewShotLearner:
    """Rebuild the learner saved at ``path``, in eval mode, on ``device`` (default: CPU)."""
    path = Path(path)
    if path.suffix == ".pt":
        payload = torch.load(path, map_location="cpu", weights_only=True)
        config, state = json.loads(payload["config"]), payload["state_dict"]
    else:
        config, state = read_checkpoint_config(path), load_file(str(path))
    if config.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: unsupported checkpoint format {config.get('format')!r}")
    learner = build_learner(LearnerSpec.from_dict(config["learner"]))
    learner.load_state_dict(state, strict=True)
    return learner.to(device or "cpu").eval()
