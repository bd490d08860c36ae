"""The app's folders, from platformdirs; VIDMETA_HOME moves them all (tests, portable installs)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "vidmeta"


@dataclass(frozen=True, slots=True)
class AppPaths:
    config_dir: Path  # settings.json
    data_dir: Path  # library database, label sets, recovery files
    cache_dir: Path  # feature cache, thumbnails
    model_dir: Path  # whisper checkpoints downloaded on first use
    log_dir: Path  # vidmeta.log

    def ensure(self) -> "AppPaths":
        for p in (self.config_dir, self.data_dir, self.cache_dir, self.model_dir, self.log_dir):
            p.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    home = os.environ.get("VIDMETA_HOME")
    if home:
        root = Path(home)
        return AppPaths(root / "config", root / "data", root / "cache", root / "models", root / "logs")
    cache = Path(platformdirs.user_cache_dir(APP_NAME))
    return AppPaths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
        data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        cache_dir=cache,
        model_dir=cache / "models",
        log_dir=Path(platformdirs.user_log_dir(APP_NAME)),
    )
