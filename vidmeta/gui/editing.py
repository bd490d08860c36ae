"""Segment, label and tier commands, from keys, menus, the label panel and timeline drags.

Each command computes a new document with vidmeta.gui.edits and hands it to the session as one undo
step. An edit that cannot be made (nothing selected, playhead outside the segment) says why in the
status bar instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtWidgets import QApplication, QMenu

from vidmeta.domain import ProjectDocument, Segment, TierKind
from vidmeta.gui import dialogs, edits
from vidmeta.gui.edits import EditError
from vidmeta.gui.timeline.scale import format_time

if TYPE_CHECKING:
    from vidmeta.gui.main_window import MainWindow

_NUDGE_WITHOUT_FRAMES = 0.01  # seconds per nudge in audio-only files


class EditController:
    def __init__(self, window: "MainWindow"):
        self.w = window
        self.canvas = window.timeline.canvas
        self.mark_in: float | None = None
        a = window.actions
        bind: dict[str, Callable[[], object]] = {
            "mark_in": self.set_mark_in, "mark_out": self.mark_out, "deselect": self.deselect,
            "set_start": lambda: self.set_edge_to_playhead("start"), "set_end": lambda: self.set_edge_to_playhead("end"),
            "nudge_left": lambda: self.nudge(-1), "nudge_right": lambda: self.nudge(1),
            "split": self.split, "merge": self.merge, "delete": self.delete, "edit_text": self.edit_text,
            "accept": self.accept, "select_next": lambda: self.select_neighbour(1),
            "select_prev": lambda: self.select_neighbour(-1), "select_all": self.select_all,
            "label_clear": lambda: self.apply_label(""), "new_label": self.new_label,
            "tier_prev": lambda: self.change_tier(-1), "tier_next": lambda: self.change_tier(1),
            "new_tier": self.new_tier, "rename_tier": self.rename_tier, "delete_tier": self.delete_tier,
        }
        for k in range(1, 10):
            bind[f"label_{k}"] = lambda k=k: self.apply_hotkey(k)
        for key, fn in bind.items():
            a[key].triggered.connect(lambda _=False, fn=fn: fn())
        c = self.canvas
        c.createRequested.connect(self.create_segment)
        c.moveRequested.connect(self.move_segments)
        c.resizeRequested.connect(self.resize_segment)
        c.textEditRequested.connect(lambda tier, seg: self.edit_text(tier, seg))
        c.contextMenuRequested.connect(self.context_menu)
        c.selectionChanged.connect(self._describe_selection)
        window.timeline.header.renameRequested.connect(self.rename_tier)
        p = window.label_panel
        p.applyRequested.connect(self.apply_label)
        p.addRequested.connect(self.new_label)
        p.editRequested.connect(self.edit_label)
        p.removeRequested.connect(self.remove_label)

    # Helpers --------------------------------------------------------------------------------

    @property
    def doc(self) -> ProjectDocument:
        return self.w.session.document

    @property
    def duration(self) -> float:
        """The playable length: segments stay inside what the player can show."""
        return self.w.player.duration

    @property
    def playhead(self) -> float:
        return self.w.player.position

    def _apply(self, text: str, edit: Callable[[], ProjectDocument]) -> bool:
        if self.w.session.video_path is None:
            return False
        try:
            doc = edit()
        except EditError as exc:
            QApplication.beep()
            self.w.show_status(f"{text}: {exc}")
            return False
        return self.w.session.apply(doc, text)

    def _selection(self) -> tuple[str, list[str]]:
        tier, ids = self.canvas.selected_tier, sorted(self.canvas.selected_ids)
        if tier is None or not ids:
            raise EditError("select a segment first (click it, or Tab)")
        return tier, ids

    def _target_tier(self) -> tuple[ProjectDocument, str]:
        """The current tier, or a new annotation tier when there is none."""
        tier_id = self.canvas.current_tier
        if tier_id is not None:
            return self.doc, tier_id
        return edits.ensure_annotation_tier(self.doc)

    # Creating -------------------------------------------------------------------------------

    def create_segment(self, tier_id: str, start: float, end: float) -> bool:
        created: list[Segment] = []

        def edit() -> ProjectDocument:
            doc, seg = edits.create_segment(self.doc, tier_id, start, end, duration=self.duration)
            created.append(seg)
            return doc

        if self._apply("Create segment", edit):
            self.canvas.select(tier_id, {created[0].id})
            return True
        return False

    def set_mark_in(self) -> None:
        self.mark_in = self.playhead
        self.canvas.set_mark_in(self.mark_in)
        self.w.show_status(f"Mark in at {format_time(self.mark_in)}: move to the end and press O")

    def mark_out(self) -> bool:
        if self.mark_in is None:
            self.w.show_status("Mark out: press I at the start first")
            return False
        start, end = sorted((self.mark_in, self.playhead))
        doc, tier_id = self._target_tier()
        created: list[Segment] = []

        def edit() -> ProjectDocument:
            new, seg = edits.create_segment(doc, tier_id, start, end, duration=self.duration)
            created.append(seg)
            return new

        if not self._apply("Create segment", edit):
            return False
        self.mark_in = None
        self.canvas.set_mark_in(None)
        self.canvas.select(tier_id, {created[0].id})
        return True

    def deselect(self) -> None:
        self.mark_in = None
        self.canvas.set_mark_in(None)
        self.canvas.clear_selection()

    # Changing -------------------------------------------------------------------------------

    def move_segments(self, tier_id: str, ids: list[str], delta: float) -> bool:
        return self._apply("Move segment" if len(ids) == 1 else f"Move {len(ids)} segments",
                           lambda: edits.move_segments(self.doc, tier_id, ids, delta, duration=self.duration))

    def resize_segment(self, tier_id: str, seg_id: str, start: float, end: float) -> bool:
        return self._apply("Resize segment", lambda: edits.set_segment_times(
            self.doc, tier_id, seg_id, start, end, duration=self.duration))

    def set_edge_to_playhead(self, edge: str) -> bool:
        def edit() -> ProjectDocument:
            tier_id, ids = self._selection()
            if len(ids) != 1:
                raise EditError("select one segment")
            seg = self.doc.tier(tier_id).segment(ids[0])
            t = self.playhead
            start, end = (t, seg.end) if edge == "start" else (seg.start, t)
            if end - start < edits.MIN_SEGMENT:
                raise EditError(f"the playhead is on the wrong side of the segment's {'end' if edge == 'start' else 'start'}")
            return edits.set_segment_times(self.doc, tier_id, seg.id, start, end, duration=self.duration)

        return self._apply(f"Set segment {edge}", edit)

    def nudge(self, frames: int) -> bool:
        def edit() -> ProjectDocument:
            tier_id, ids = self._selection()
            first = min((s for s in self.doc.tier(tier_id).segments if s.id in ids), key=lambda s: s.start)
            clock = self.w.player.clock
            if clock is None:
                delta = frames * _NUDGE_WITHOUT_FRAMES
            else:  # the first segment's start lands on the neighbouring real frame
                i = clock.index_at(first.start)
                between = first.start > clock.time_of(i) + 1e-6  # not on a frame's start
                delta = clock.time_of(i if between and frames < 0 else i + frames) - first.start
                if abs(delta) < 1e-9:  # at the first or last frame already
                    raise EditError("the segment is at the end of the video")
            return edits.move_segments(self.doc, tier_id, ids, delta, duration=self.duration)

        return self._apply("Nudge segment", edit)

    def split(self) -> bool:
        t = self.playhead
        right: list[Segment] = []

        def edit() -> ProjectDocument:
            tier_id, seg = self._segment_at_playhead()
            doc, part = edits.split_segment(self.doc, tier_id, seg.id, t)
            right.append(part)
            return doc

        if self._apply("Split segment", edit):
            self.canvas.select(self.canvas.current_tier, {right[0].id})
            return True
        return False

    def _segment_at_playhead(self) -> tuple[str, Segment]:
        """The selected segment under the playhead, else the current tier's segment there."""
        t = self.playhead
        tier_id = self.canvas.selected_tier or self.canvas.current_tier
        if tier_id is None:
            raise EditError("no tier")
        segs = [s for s in self.doc.tier(tier_id).segments if s.start < t < s.end]
        chosen = [s for s in segs if s.id in self.canvas.selected_ids] or segs
        if not chosen:
            raise EditError("the playhead is not inside a segment of this tier")
        self.canvas.set_current_tier(tier_id)
        return tier_id, chosen[0]

    def merge(self) -> bool:
        merged: list[Segment] = []

        def edit() -> ProjectDocument:
            tier_id, ids = self._selection()
            if len(ids) == 1:  # one selected: join it with the segment after it
                segs = list(self.doc.tier(tier_id).segments)
                i = next(k for k, s in enumerate(segs) if s.id == ids[0])
                if i + 1 >= len(segs):
                    raise EditError("no segment after this one to merge with")
                ids = [ids[0], segs[i + 1].id]
            doc, seg = edits.merge_segments(self.doc, tier_id, ids)
            merged.append(seg)
            return doc

        if self._apply("Merge segments", edit):
            self.canvas.select(self.canvas.selected_tier, {merged[0].id})
            return True
        return False

    def delete(self) -> bool:
        def edit() -> ProjectDocument:
            tier_id, ids = self._selection()
            return edits.delete_segments(self.doc, tier_id, ids)

        n = len(self.canvas.selected_ids)
        return self._apply("Delete segment" if n <= 1 else f"Delete {n} segments", edit)

    def edit_text(self, tier_id: str | None = None, seg_id: str | None = None, text: str | None = None) -> bool:
        if tier_id is None or seg_id is None:
            try:
                tier_id, ids = self._selection()
            except EditError as exc:
                self.w.show_status(f"Edit text: {exc}")
                return False
            seg_id = ids[0]
        seg = self.doc.tier(tier_id).segment(seg_id)
        if text is None:
            text = dialogs.edit_text(self.w, "Segment text", f"Text of {format_time(seg.start)} – "
                                                            f"{format_time(seg.end)}:", seg.text)
            if text is None:
                return False
        return self._apply("Edit text", lambda: edits.set_text(self.doc, tier_id, seg_id, text))

    def accept(self) -> bool:
        def edit() -> ProjectDocument:
            tier_id, ids = self._selection()
            if self.doc.tier(tier_id).kind != TierKind.SUGGESTION:
                raise EditError("only model suggestions can be accepted")
            doc, target = edits.ensure_annotation_tier(self.doc)
            return edits.accept_suggestions(doc, tier_id, ids, target)

        return self._apply("Accept suggestion", edit)

    # Selecting ------------------------------------------------------------------------------

    def select_neighbour(self, step: int) -> None:
        tier_id = self.canvas.selected_tier or self.canvas.current_tier
        if tier_id is None:
            return
        segs = list(self.doc.tier(tier_id).segments)
        if not segs:
            return
        selected = [i for i, s in enumerate(segs) if s.id in self.canvas.selected_ids]
        if selected:
            i = (selected[-1] + 1) if step > 0 else (selected[0] - 1)
        else:  # from the playhead
            t = self.playhead
            i = next((k for k, s in enumerate(segs) if s.start > t), len(segs)) if step > 0 else \
                max((k for k, s in enumerate(segs) if s.start < t), default=-1)
        if 0 <= i < len(segs):
            self.canvas.select(tier_id, {segs[i].id})
            self.w.player.seek(segs[i].start)

    def select_all(self) -> None:
        tier_id = self.canvas.current_tier
        if tier_id is not None:
            self.canvas.select(tier_id, {s.id for s in self.doc.tier(tier_id).segments})

    def change_tier(self, step: int) -> None:
        tiers = [t.id for t in self.doc.tiers]
        if not tiers:
            return
        current = self.canvas.current_tier
        i = tiers.index(current) + step if current in tiers else 0
        self.canvas.clear_selection()
        self.canvas.set_current_tier(tiers[max(0, min(len(tiers) - 1, i))])

    def _describe_selection(self) -> None:
        segs = self.canvas.selected_segments()
        if len(segs) == 1:
            s = segs[0]
            conf = "" if s.confidence is None else f" · confidence {s.confidence:.2f}"
            self.w.show_status(f"{format_time(s.start)} – {format_time(s.end)} ({s.end - s.start:.3f} s)"
                               f" · {s.label or 'no label'}{conf}")
        elif segs:
            self.w.show_status(f"{len(segs)} segments selected")

    # Labels ---------------------------------------------------------------------------------

    def apply_hotkey(self, key: int) -> bool:
        label = next((lab for lab in self.doc.labels if lab.hotkey == key), None)
        if label is None:
            self.w.show_status(f"No label has hotkey {key}: add one in the Labels panel (Ctrl+L)")
            return False
        return self.apply_label(label.name)

    def apply_label(self, name: str) -> bool:
        def edit() -> ProjectDocument:
            tier_id, ids = self._selection()
            return edits.set_label(self.doc, tier_id, ids, name)

        return self._apply(f"Label {name}" if name else "Clear label", edit)

    def new_label(self, name: str | None = None) -> bool:
        label = edits.new_label(self.doc, name or "")
        if name is None:
            label = dialogs.edit_label(self.w, label, title="New label")
            if label is None:
                return False
        return self._apply(f"Add label {label.name}", lambda: edits.add_label(self.doc, label))

    def edit_label(self, name: str, new=None) -> bool:
        old = self.doc.label(name)
        if old is None:
            return False
        label = new if new is not None else dialogs.edit_label(self.w, old, title="Edit label")
        if label is None:
            return False
        return self._apply(f"Edit label {name}", lambda: edits.update_label(self.doc, name, label))

    def remove_label(self, name: str) -> bool:
        return self._apply(f"Remove label {name}", lambda: edits.remove_label(self.doc, name))

    # Tiers ----------------------------------------------------------------------------------

    def new_tier(self, name: str | None = None) -> bool:
        if name is None:
            name = dialogs.ask_name(self.w, "New tier", "Name of the new annotation tier:")
            if name is None:
                return False
        created: list[str] = []

        def edit() -> ProjectDocument:
            doc, tier = edits.add_tier(self.doc, name)
            created.append(tier.id)
            return doc

        if self._apply(f"New tier {name}", edit):
            self.canvas.set_current_tier(created[0])
            return True
        return False

    def rename_tier(self, tier_id: str | None = None, name: str | None = None) -> bool:
        tier_id = tier_id or self.canvas.current_tier
        if tier_id is None:
            return False
        if name is None:
            name = dialogs.ask_name(self.w, "Rename tier", "New name:", self.doc.tier(tier_id).name)
            if name is None:
                return False
        return self._apply("Rename tier", lambda: edits.rename_tier(self.doc, tier_id, name))

    def delete_tier(self) -> bool:
        tier_id = self.canvas.current_tier
        if tier_id is None:
            return False
        return self._apply(f"Delete tier {self.doc.tier(tier_id).name}", lambda: edits.remove_tier(self.doc, tier_id))

    # Context menu ---------------------------------------------------------------------------

    def context_menu(self, pos) -> None:
        a = self.w.actions
        menu = QMenu(self.w)
        for key in ("split", "merge", "delete", "edit_text", "accept"):
            menu.addAction(a[key])
        labels = menu.addMenu("Label")
        for lab in self.doc.labels:
            act = labels.addAction(f"{lab.name}\t{lab.hotkey or ''}")
            act.triggered.connect(lambda _=False, n=lab.name: self.apply_label(n))
        labels.addAction(a["label_clear"])
        menu.addSeparator()
        for key in ("mark_in", "mark_out", "new_tier", "rename_tier", "delete_tier"):
            menu.addAction(a[key])
        menu.popup(pos)
