"""Entry point of the desktop app: `vidmeta [VIDEO_OR_PROJECT]`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback

log = logging.getLogger("vidmeta.gui")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vidmeta", description="Understand video: the desktop app.")
    parser.add_argument("path", nargs="?", help="a video, or a .vidmeta.json project, to open")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    return parser.parse_args(argv)


def create_application(argv: list[str] | None = None):
    """The QApplication, created once, with the app's names and a palette following the system."""
    # We paint frames with QPainter and need no OpenGL; GL contexts also crash a later torch/triton
    # import under some drivers (see docs/environment.md).
    os.environ.setdefault("QT_XCB_GL_INTEGRATION", "none")
    from PySide6.QtGui import QGuiApplication, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("vidmeta")
    app.setApplicationName("vidmeta")
    app.setApplicationDisplayName("vidmeta")
    app.setStyle("Fusion")  # the same look everywhere; follows the light/dark palette

    def follow_system_palette(*_args) -> None:
        app.setPalette(QPalette())  # the platform theme's palette for the current scheme

    QGuiApplication.styleHints().colorSchemeChanged.connect(follow_system_palette)
    return app


def _install_excepthook(window) -> None:
    """An unexpected exception in a slot becomes a dialog and a log entry; the app keeps running."""

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", details)
        from vidmeta.gui import dialogs

        try:
            dialogs.show_error(window, f"Something went wrong: {exc_type.__name__}: {exc}", title="Internal error",
                               details=details)
        except Exception:  # never let the hook itself raise
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    from vidmeta.config import setup_logging

    setup_logging(verbose=args.verbose)
    app = create_application()
    from PySide6.QtCore import QTimer

    from vidmeta.gui.main_window import MainWindow

    window = MainWindow()
    _install_excepthook(window)
    window.show()

    def after_show() -> None:
        # After the window is on screen: a recovery prompt or an open error then has a parent to sit on.
        recovered = window.documents.offer_recovery()
        if args.path and not recovered:
            window.open_path(args.path)

    QTimer.singleShot(0, after_show)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
