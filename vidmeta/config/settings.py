"""User settings: a versioned JSON file in the config folder."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from vidmeta.config.paths import app_paths
from vidmeta.domain.options import SubtitleOptions

SETTINGS_VERSION = 1
log = logging.getLogger(__name__)


SubtitleRules = SubtitleOptions  # the settings' name for the subtitle line rules


@dataclass(frozen=True, slots=True)
class Settings:
    device: str = "auto"  # "auto", "cpu" or "cuda"
    whisper_model: str = "base"  # a model name (tiny ... large-v3, turbo) or a path to a local .pt
    model_cache_dir: str = ""  # empty: the default model folder
    subtitle_rules: SubtitleOptions = field(default_factory=SubtitleOptions)
    recent_files: tuple[str, ...] = ()
    version: int = SETTINGS_VERSION

    def with_recent(self, path: str, keep: int = 10) -> "Settings":
        recent = [path, *(p for p in self.recent_files if p != path)][:keep]
        return dataclasses.replace(self, recent_files=tuple(recent))

    def resolved_model_dir(self) -> Path:
        return Path(self.model_cache_dir) if self.model_cache_dir else app_paths().model_dir


def _settings_file() -> Path:
    return app_paths().config_dir / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing or unreadable file gives the defaults (and a log line), never an error."""
    path = path or _settings_file()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        rules = SubtitleOptions(**raw.pop("subtitle_rules", {}))
        raw["recent_files"] = tuple(raw.get("recent_files", ()))
        known = {f.name for f in dataclasses.fields(Settings)}
        return Settings(subtitle_rules=rules, **{k: v for k, v in raw.items() if k in known})
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, TypeError) as exc:
        log.warning("ignoring unreadable settings %s: %s", path, exc)
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or _settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dataclasses.asdict(settings)
    data["recent_files"] = list(settings.recent_files)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, path)
