"""Settings persist through vidmeta.config (platformdirs); window geometry through QSettings."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from vidmeta.config import Settings, load_settings
from vidmeta.gui.settings_dialog import ComputeDevice, SettingsDialog


def test_settings_dialog_edits_every_field(qtbot, tmp_path):
    dialog = SettingsDialog(Settings(recent_files=("/x.mp4",)), tmp_path / "models")
    qtbot.addWidget(dialog)
    assert dialog.device.currentEnum() == ComputeDevice.AUTO
    dialog.device.setCurrentEnum(ComputeDevice.CUDA)
    dialog.model.setCurrentText(str(tmp_path / "tiny.pt"))
    dialog.cache.setText(str(tmp_path / "cache"))
    dialog.max_chars.setValue(37)
    dialog.max_lines.setValue(1)
    dialog.max_cps.setValue(15.5)
    dialog.min_duration.setValue(1.2)
    dialog.max_duration.setValue(6.0)
    s = dialog.settings()
    assert (s.device, s.whisper_model, s.model_cache_dir) == ("cuda", str(tmp_path / "tiny.pt"), str(tmp_path / "cache"))
    r = s.subtitle_rules
    assert (r.max_chars_per_line, r.max_lines, r.max_chars_per_second, r.min_duration, r.max_duration) == \
        (37, 1, 15.5, 1.2, 6.0)
    assert s.recent_files == ("/x.mp4",)  # not the dialog's business, kept
    dialog.restore_defaults()
    assert dialog.settings().subtitle_rules == Settings().subtitle_rules
    assert dialog.device.currentEnum() == ComputeDevice.AUTO


def test_settings_action_saves_with_platformdirs_config(qtbot, window, monkeypatch, vidmeta_home):
    def accept_with_changes(dialog):
        dialog.device.setCurrentEnum(ComputeDevice.CPU)
        dialog.model.setCurrentText("small")
        dialog.max_chars.setValue(40)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", accept_with_changes)
    window.actions["settings"].trigger()
    saved = load_settings()
    assert (saved.device, saved.whisper_model, saved.subtitle_rules.max_chars_per_line) == ("cpu", "small", 40)
    assert (vidmeta_home / "config" / "settings.json").is_file()
    assert window.settings == saved


def test_window_geometry_is_remembered(qtbot, dialogs, vidmeta_home):
    from vidmeta.gui.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.resize(first.width(), 640)
    first.splitter.setSizes([300, 300])
    first.jobs_dock.hide()
    splitter = first.splitter.sizes()
    first.close()
    assert (vidmeta_home / "config" / "window.ini").is_file()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    # Heights only: Qt fits a restored width to the screen, and the offscreen screen is narrow.
    assert second.height() == 640
    assert second.splitter.sizes() == splitter
    assert not second.jobs_dock.isVisible() and not second.actions["toggle_jobs"].isChecked()
    assert second.labels_dock.isVisible() and second.actions["toggle_labels"].isChecked()
    second.close()
