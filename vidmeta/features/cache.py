"""On-disk feature cache: one .npz per (video content, part, extractor version, part parameters).

Keyed by the content fingerprint, not the path, so a moved or renamed video still hits; keyed per
part, so a parameter change recomputes only the parts that depend on it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from vidmeta.config import app_paths

log = logging.getLogger(__name__)

# Bump a part's version when its algorithm changes: old entries then stop matching.
EXTRACTOR_VERSIONS = {
    "media": 1,
    "visual": 1,
    "faces": 1,
    "lips": 1,
    "audio": 1,
    "vad": 1,
    "speech": 1,
    "speakers": 2,
    "shots": 1,  # vidmeta.media.shots, stored by the summary job
}
_META = "__meta__"


def part_key(*, fingerprint: str, part: str, params: dict[str, Any]) -> str:
    text = json.dumps({"fingerprint": fingerprint, "part": part, "version": EXTRACTOR_VERSIONS[part],
                       "params": params}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class FeatureCache:
    """Parts as dicts of numpy arrays plus a JSON-able meta dict."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else app_paths().cache_dir / "features"

    def _path(self, fingerprint: str, part: str, key: str) -> Path:
        folder = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
        return self.root / folder / f"{part}-{key}.npz"

    def load(self, *, fingerprint: str, part: str, params: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict] | None:
        path = self._path(fingerprint, part, part_key(fingerprint=fingerprint, part=part, params=params))
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files if name != _META}
                meta = json.loads(str(data[_META]))
        except (OSError, ValueError, KeyError) as exc:  # a damaged entry is a miss, and is replaced
            log.warning("ignoring damaged feature cache entry %s (%s)", path, exc)
            return None
        return arrays, meta

    def save(self, *, fingerprint: str, part: str, params: dict[str, Any], arrays: dict[str, np.ndarray],
             meta: dict | None = None) -> Path:
        path = self._path(fingerprint, part, part_key(fingerprint=fingerprint, part=part, params=params))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays, **{_META: np.array(json.dumps(meta or {}))})
            os.replace(tmp, path)  # atomic: a reader never sees half an entry
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def entries(self, fingerprint: str) -> list[Path]:
        folder = self.root / hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
        return sorted(folder.glob("*.npz")) if folder.is_dir() else []
