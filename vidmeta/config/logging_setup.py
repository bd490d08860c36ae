"""Logging to a rotating file in the user log folder, and to stderr (warnings, or all when verbose)."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from vidmeta.config.paths import app_paths

_handlers: list[logging.Handler] = []  # the ones this module added, replaced on each call


def setup_logging(*, verbose: bool = False) -> None:
    root = logging.getLogger()
    for handler in _handlers:
        root.removeHandler(handler)
        handler.close()
    _handlers.clear()
    root.setLevel(logging.DEBUG)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        log_dir = app_paths().log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / "vidmeta.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        file_handler.setFormatter(fmt)
        _handlers.append(file_handler)
    except OSError:
        pass  # an unwritable log folder must not stop the app
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(fmt)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    _handlers.append(console)
    for handler in _handlers:
        root.addHandler(handler)
