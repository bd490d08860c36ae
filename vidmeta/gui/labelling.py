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

from vidmeta.domain import ProjectDocument, TierKind
from vidmeta.gui import edits
from vidmeta.gui.edits import EditError
from vidmeta.gui.worker import JobHandle

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
        a["accept"].triggered.connect(lambda: self._answered())  # after EditController.accept (connected first)
        window.session.videoChanged.connect(lambda _media: self._forget())

    def _forget(self) -> None:
        self.latest, self._latest_path, self._asked = None, None, set()

    # Jobs -----------------------------------------------------------------------------------

    def suggest(self, factory=None) -> JobHandle | None:
        """Learn the labels of the user's segments and propose them for the rest of the video."""
        from vidmeta.pipeline.labelling_jobs import suggest_labels_job

        path = self.w.session.video_path
        if path is None:
            self.w.show_status("Suggest labels: open a video first")
            return None
        doc = self.w.session.document
        factory = factory or (lambda cancel: suggest_labels_job(path, doc, cancel=cancel))
        return self.w.run_job(f"Suggest labels: {path.name}", factory,
                              on_success=lambda result: self._show(path, _examples_key(doc), result, "Suggest labels"))

    def refresh(self) -> JobHandle | None:
        """Re-score after an answer, in the background, from the last suggestion's descriptors."""
        from vidmeta.pipeline.labelling_jobs import refresh_suggestions_job

        latest, path = self.latest, self._latest_path
        if latest is None or path != self.w.session.video_path:
            return None
        doc = self.w.session.document
        if not any(t.kind == TierKind.ANNOTATION and any(s.label for s in t.segments) for t in doc.tiers):
            return None
        return self.w.run_job(
            "Refresh suggestions",
            lambda cancel: refresh_suggestions_job(doc, latest.descriptors, cancel=cancel, duration=latest.duration),
            on_success=lambda result: self._show(path, _examples_key(doc), result, "Refresh suggestions"),
            uses_torch=False,
        )

    def _show(self, path: Path, examples_key: tuple, result: "LabelSuggestions", text: str) -> None:
        session = self.w.session
        if session.video_path != path:
            return  # another video was opened meanwhile
        if _examples_key(session.document) != examples_key:
            return  # the user answered again while this ran; the refresh queued after it is newer
        self.latest, self._latest_path, self._asked = result, path, set()
        session.apply(edits.replace_suggestions(session.document, result.tier), text)
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
        from vidmeta.labelling import least_certain_window

        latest = self.latest
        if latest is None or self._latest_path != self.w.session.video_path:
            self.w.show_status("Ask me next: suggest labels first (Ctrl+G)")
            return None
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
