"""Few-shot labelling in the window: Suggest Labels, the review loop (accept, reject, relabel, ask
me next) and the background refresh after every answer.

Suggest runs the whole job (features from the cache when present); a refresh after an answer
reuses the descriptors of the last suggestion and only re-scores, so it is quick, but it still
runs on the worker and reaches the document through an undo step like every job result.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject

from vidmeta.domain import Label, ProjectDocument, TierKind, VidmetaError
from vidmeta.gui import dialogs, edits
from vidmeta.gui.edits import EditError
from vidmeta.gui.worker import JobHandle, in_worker

if TYPE_CHECKING:
    from vidmeta.gui.main_window import MainWindow
    from vidmeta.pipeline.labelling_jobs import LabelSuggestions


def _examples_key(doc: ProjectDocument) -> tuple:
    """What suggestions depend on: the user's labelled and rejected segments."""
    return tuple(
        (s.start, s.end, s.label)
        for t in doc.tiers if t.kind in (TierKind.ANNOTATION, TierKind.REJECTED)
        for s in t.segments if s.label
    )


def _content(segments) -> list[tuple]:
    return [(s.start, s.end, s.label, s.confidence) for s in segments]


class LabellingController(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        self.latest: LabelSuggestions | None = None
        self._latest_path: Path | None = None
        self._asked: set[int] = set()  # windows already put to the user since the last answer
        a = window.actions
        a["suggest_labels"].triggered.connect(lambda: self.suggest())
        a["reject"].triggered.connect(lambda: self.reject())
        a["ask_next"].triggered.connect(lambda: self.ask_next())
        a["save_label_set"].triggered.connect(lambda: self.save_label_set())
        a["apply_label_set"].triggered.connect(lambda: self.apply_label_set())
        a["export_label_set"].triggered.connect(lambda: self.export_label_set())
        a["import_label_set"].triggered.connect(lambda: self.import_label_set())
        a["accept"].triggered.connect(lambda: self._answered())  # after EditController.accept (connected first)
        window.session.videoChanged.connect(lambda _media: self._forget())

    def _forget(self) -> None:
        self.latest, self._latest_path, self._asked = None, None, set()

    # Jobs -----------------------------------------------------------------------------------

    def suggest(self, factory=None) -> JobHandle | None:
        """Learn the labels of the user's segments and propose them for the rest of the video."""
        path = self.w.session.video_path
        if path is None:
            self.w.show_status("Suggest labels: open a video first")
            return None
        doc = self.w.session.document
        factory = factory or in_worker("vidmeta.pipeline.labelling_jobs.suggest_labels_job", path, doc)
        return self.w.run_job(f"Suggest labels: {path.name}", factory,
                              on_success=lambda result: self._show(path, _examples_key(doc), result, "Suggest labels"))

    def save_label_set(self, name: str | None = None) -> JobHandle | None:
        """Keep the labelled segments of this video in a named label set of the library."""
        path = self.w.session.video_path
        if path is None:
            self.w.show_status("Save label set: open a video first")
            return None
        if name is None:
            names = self._library_names()
            if names is None:
                return None
            name = dialogs.choose(self.w, "Save Label Set", "Label set (pick one to extend, or type a new name):",
                                  names or ["My labels"], editable=True)
            if name is None:
                return None
        doc = self.w.session.document

        def saved(label_set) -> None:
            self.w.show_status(f"Label set “{label_set.name}”: {len(label_set.examples)} example windows of "
                               f"{', '.join(label_set.labels)} from {len(label_set.videos)} video(s)")

        return self.w.run_job(f"Save label set: {name}",
                              in_worker("vidmeta.pipeline.labelling_jobs.save_label_set_job", path, doc, name),
                              on_success=saved)

    def apply_label_set(self, name: str | None = None) -> JobHandle | None:
        """Suggest the labels of a library label set for this video."""
        path = self.w.session.video_path
        if path is None:
            self.w.show_status("Apply label set: open a video first")
            return None
        if name is None:
            names = self._library_names()
            if not names:
                if names is not None:
                    self.w.show_status("Apply label set: the library has none yet (Labels > Save Label Set)")
                return None
            name = dialogs.choose(self.w, "Apply Label Set", "Label set:", names)
            if name is None:
                return None
        doc = self.w.session.document
        return self.w.run_job(
            f"Apply label set {name}: {path.name}",
            in_worker("vidmeta.pipeline.labelling_jobs.apply_named_label_set_job", path, name, document=doc),
            on_success=lambda result: self._show(path, _examples_key(doc), result, f"Apply label set {name}",
                                                 vocabulary=result.colors))

    def export_label_set(self, name: str | None = None, target: str | Path | None = None) -> Path | None:
        from vidmeta.labelling.label_sets import FILE_SUFFIX, LabelSetLibrary

        if name is None:
            names = self._library_names()
            if not names:
                return None
            name = dialogs.choose(self.w, "Export Label Set", "Label set:", names)
        if name is None:
            return None
        if target is None:
            target = dialogs.save_file(self.w, "Export Label Set", f"Label sets (*{FILE_SUFFIX});;All files (*)",
                                       f"{name}{FILE_SUFFIX}")
            if target is None:
                return None
        try:
            out = LabelSetLibrary().export(name, target)
        except (VidmetaError, OSError) as exc:
            dialogs.show_error(self.w, f"Export label set failed: {dialogs.error_text(exc)}", title="Export label set")
            return None
        self.w.show_status(f"Label set “{name}” written to {out}")
        return out

    def import_label_set(self, source: str | Path | None = None) -> str | None:
        from vidmeta.labelling.label_sets import FILE_SUFFIX, LabelSetLibrary

        if source is None:
            source = dialogs.open_file(self.w, "Import Label Set", f"Label sets (*{FILE_SUFFIX} *.json);;All files (*)")
            if source is None:
                return None
        try:
            label_set = LabelSetLibrary().import_file(source)
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Import label set")
            return None
        self.w.show_status(f"Label set “{label_set.name}” imported: {', '.join(label_set.labels)}")
        return label_set.name

    def _library_names(self) -> list[str] | None:
        from vidmeta.labelling.label_sets import LabelSetLibrary

        try:
            return LabelSetLibrary().names()
        except VidmetaError as exc:
            dialogs.show_error(self.w, exc.user_message(), title="Label library")
            return None

    def refresh(self) -> JobHandle | None:
        """Re-score after an answer, in the background, from the last suggestion's descriptors."""
        latest, path = self.latest, self._latest_path
        if latest is None or path != self.w.session.video_path:
            return None
        doc = self.w.session.document
        if not any(t.kind == TierKind.ANNOTATION and any(s.label for s in t.segments) for t in doc.tiers):
            return None
        return self.w.run_job(
            "Refresh suggestions",
            in_worker("vidmeta.pipeline.labelling_jobs.refresh_suggestions_job", doc, latest.descriptors,
                      duration=latest.duration, extra=latest.extra),
            on_success=lambda result: self._show(path, _examples_key(doc), result, "Refresh suggestions"),
            uses_torch=False,
        )

    def _show(self, path: Path, examples_key: tuple, result: "LabelSuggestions", text: str, *,
              vocabulary: dict[str, str] | None = None) -> None:
        """Put a job's suggestions in the document as one undo step (with the labels of a set it used)."""
        session = self.w.session
        if session.video_path != path:
            return  # another video was opened meanwhile
        if _examples_key(session.document) != examples_key:
            # The labels changed while this ran: after an answer a newer refresh is queued; after
            # an edit of the examples the user is told to suggest again.
            if text != "Refresh suggestions":
                self.w.show_status(f"{text}: your labelled segments changed meanwhile; suggest again (Ctrl+G)")
            return
        self.latest, self._latest_path, self._asked = result, path, set()
        doc = session.document
        current = next((t for t in doc.tiers if t.kind == TierKind.SUGGESTION and t.name == result.tier.name), None)
        if not vocabulary and current is not None and _content(current.segments) == _content(result.tier.segments):
            self.w.show_status(f"Suggestions unchanged ({len(result.tier.segments)}) — N: ask me next")
            return  # the same proposals again (new ids only): no undo step for nothing
        for name, color in sorted((vocabulary or {}).items()):
            if doc.label(name) is None:  # a set's labels join the vocabulary, with their colours
                doc = edits.add_label(doc, Label(name, color, edits.next_free_hotkey(doc.labels)))
        session.apply(edits.replace_suggestions(doc, result.tier), text)
        labels = ", ".join(result.labels)
        self.w.show_status(f"{len(result.tier.segments)} suggestion(s) for {labels} — N: ask me next, "
                           "A: accept, R: reject, 1–9: relabel")

    # Review ---------------------------------------------------------------------------------

    def _answered(self) -> None:
        if self.latest is not None:
            self.refresh()

    def reject(self) -> bool:
        canvas = self.w.timeline.canvas
        tier_id, ids = canvas.selected_tier, sorted(canvas.selected_ids)
        try:
            if tier_id is None or not ids:
                raise EditError("select a suggestion first (N asks about the least certain one)")
            doc = edits.reject_suggestions(self.w.session.document, tier_id, ids)
        except EditError as exc:
            self.w.show_status(f"Reject suggestion: {exc}")
            return False
        done = self.w.session.apply(doc, "Reject suggestion")
        if done:
            canvas.clear_selection()
            self._answered()
        return done

    def ask_next(self) -> float | None:
        """Go to the window the model is least sure about and select the suggestion there, if any."""
        latest = self.latest
        if latest is None or self._latest_path != self.w.session.video_path:
            self.w.show_status("Ask me next: suggest labels first (Ctrl+G)")
            return None
        from vidmeta.labelling import least_certain_window  # imported by the worker already
        exclude = np.zeros(len(latest.descriptors), bool)
        exclude[list(self._asked)] = True
        window = least_certain_window(latest.scores, latest.examples, exclude=exclude)
        if window is None:
            self.w.show_status("Ask me next: every window is labelled or was asked about")
            return None
        self._asked.add(window)
        t = float(latest.descriptors.grid.centres[window])
        self.w.player.seek(t)
        canvas = self.w.timeline.canvas
        tier = next((x for x in self.w.session.document.tiers if x.kind == TierKind.SUGGESTION
                     and x.name == latest.tier.name), None)
        here = [s for s in (tier.segments if tier else ()) if s.start <= t < s.end]
        if tier is not None and here:
            canvas.set_current_tier(tier.id)
            canvas.select(tier.id, {here[0].id})
            self.w.show_status(f"Is this “{here[0].label}”? A: accept, R: reject, 1–9: relabel")
        else:
            canvas.clear_selection()
            guesses = latest.scores.probabilities[window]
            best = int(np.argmax(guesses[:-1]))
            self.w.show_status(f"Not sure what this is (closest: {latest.labels[best]}, "
                               f"{guesses[best]:.0%}): mark it with I and O, then press 1–9")
        return t
