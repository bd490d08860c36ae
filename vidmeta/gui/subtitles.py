"""Subtitle commands of the window: generate them from speech, import and export subtitle files and
transcripts.

Transcription runs on the window's inference worker. One InferenceSession is kept for the window's
life, so the whisper model loaded by the first job is reused by the next (loading takes seconds to
minutes). Its cues replace the document's cues as one undo step.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any


from vidmeta.domain import AsrOptions, CancelToken, Progress, VidmetaError
from vidmeta.gui import dialogs
from vidmeta.gui.cue_edits import replace_cues
from vidmeta.gui.worker import JobHandle

if TYPE_CHECKING:
    from vidmeta.gui.main_window import MainWindow

SUBTITLE_FILTER = "Subtitles (*.srt *.vtt *.ass *.ssa)"

# action key -> (dialog title, file filter, suffix)
_EXPORTS = {
    "export_srt": ("Export subtitles as SRT", "SubRip (*.srt)", ".srt"),
    "export_vtt": ("Export subtitles as WebVTT", "WebVTT (*.vtt)", ".vtt"),
    "export_ass": ("Export subtitles as ASS", "Advanced SubStation Alpha (*.ass)", ".ass"),
    "export_transcript_txt": ("Export transcript as text", "Text (*.txt)", ".txt"),
    "export_transcript_json": ("Export transcript as JSON", "JSON (*.json)", ".transcript.json"),
}


class SubtitleController:
    def __init__(self, window: "MainWindow"):
        self.w = window
        self.session = window.session
        self._inference = None  # vidmeta.pipeline.session.InferenceSession, made on first use
        self._inference_key: tuple[str, str] | None = None
        a = window.actions
        a["transcribe"].triggered.connect(lambda: self.transcribe())
        a["import_subtitles"].triggered.connect(lambda: self.import_subtitles())
        for key in _EXPORTS:
            a[key].triggered.connect(lambda _=False, key=key: self.export(key))
        self.session.videoChanged.connect(lambda _m: self._update_enabled())
        self.session.documentChanged.connect(lambda _d: self._update_enabled())
        self._update_enabled()

    def _update_enabled(self) -> None:
        has_video = self.session.video_path is not None
        has_cues = has_video and bool(self.session.document.cues)
        a = self.w.actions
        a["transcribe"].setEnabled(has_video and self.session.media.audio is not None)
        a["import_subtitles"].setEnabled(has_video)
        for key in _EXPORTS:
            a[key].setEnabled(has_cues)

    @property
    def include_suspect(self) -> bool:
        return self.w.actions["export_suspect"].isChecked()

    # Generating -----------------------------------------------------------------------------

    def inference_session(self):
        """The window's one InferenceSession, remade only when the device or model folder setting changed."""
        from vidmeta.pipeline.session import InferenceSession

        settings = self.w.settings
        key = (settings.device, str(settings.resolved_model_dir()))
        if self._inference is None or key != self._inference_key:
            self._inference = InferenceSession(device=settings.device, model_dir=settings.resolved_model_dir())
            self._inference_key = key
        return self._inference

    def asr_options(self) -> AsrOptions:
        settings = self.w.settings
        return AsrOptions(model=settings.whisper_model, device=settings.device)

    def transcribe(self, asr: AsrOptions | None = None) -> JobHandle | None:
        """Generate subtitles for the open video in the background; they replace the cues in one undo step."""
        media = self.session.media
        if media is None or media.audio is None:
            self.w.show_status("Generate subtitles: open a video with sound first")
            return None
        path = media.path
        asr = asr or self.asr_options()
        rules = self.w.settings.subtitle_rules
        inference = self.inference_session()

        def job(cancel: CancelToken) -> Generator[Progress, None, Any]:
            from vidmeta.pipeline.transcribe import transcribe_job

            return (yield from transcribe_job(path, session=inference, asr=asr, subtitles=rules, cancel=cancel))

        def apply(doc, transcript):
            if self.session.video_path != path:
                return doc  # another video was opened meanwhile: nothing changes
            return replace_cues(doc, transcript.cues)

        def report(transcript) -> None:
            suspect = sum(c.suspect for c in transcript.cues)
            languages = ", ".join(transcript.languages) or "no speech"
            self.w.show_status(f"{len(transcript.cues)} subtitle cue(s), {suspect} suspect ({languages})")
            self.w.subtitles_dock.show()
            self.w.subtitles_dock.raise_()

        return self.w.run_job(f"Generate subtitles: {path.name}", job, apply=apply, on_success=report)

    # Files ----------------------------------------------------------------------------------

    def import_subtitles(self, path: Path | None = None) -> bool:
        """Read a subtitle file; its cues replace the document's cues (one undo step)."""
        if self.session.video_path is None:
            return False
        if path is None:
            path = dialogs.open_file(self.w, "Import subtitles", SUBTITLE_FILTER, self.session.video_path.parent)
            if path is None:
                return False
        from vidmeta.io import import_subtitles

        try:
            cues = import_subtitles(path)
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Cannot import subtitles")
            return False
        except (OSError, ValueError) as exc:
            dialogs.show_error(self.w, f"{path}: cannot read subtitles ({exc})", title="Cannot import subtitles")
            return False
        self.session.apply(replace_cues(self.session.document, cues), f"Import subtitles from {path.name}")
        self.w.show_status(f"Imported {len(cues)} cue(s) from {path.name}")
        return True

    def export(self, kind: str, path: Path | None = None) -> bool:
        title, file_filter, suffix = _EXPORTS[kind]
        video = self.session.video_path
        if video is None or not self.session.document.cues:
            return False
        if path is None:
            default = video.with_name(video.stem + suffix)
            path = dialogs.save_file(self.w, title, file_filter, default)
            if path is None:
                return False
        from vidmeta.io import export_subtitles, export_transcript_json, export_transcript_txt

        writer = {"export_transcript_txt": export_transcript_txt,
                  "export_transcript_json": export_transcript_json}.get(kind, export_subtitles)
        try:
            writer(self.session.document.cues, path, include_suspect=self.include_suspect)
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Cannot export")
            return False
        except OSError as exc:
            dialogs.show_error(self.w, f"{path}: cannot write ({exc.strerror or exc})", title="Cannot export")
            return False
        self.w.show_status(f"Exported {path}")
        return True
