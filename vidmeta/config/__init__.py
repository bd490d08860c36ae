"""Where vidmeta keeps its files, its settings, and how it logs."""

from vidmeta.config.paths import AppPaths, app_paths
from vidmeta.config.settings import Settings, load_settings, save_settings
from vidmeta.config.logging_setup import setup_logging

__all__ = ["AppPaths", "Settings", "app_paths", "load_settings", "save_settings", "setup_logging"]
