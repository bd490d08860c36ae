"""Every command of the window as a QAction with its shortcut, in one table.

Menus, toolbar buttons and the Help > Keyboard shortcuts list are all built from these actions, so a
shortcut is defined once and the list the user reads is always the one in force.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True, slots=True)
class ActionSpec:
    key: str  # the name code uses to find the action
    menu: str  # top-level menu; a "/"-separated path names a submenu
    text: str
    shortcuts: tuple[str, ...]
    tip: str = ""
    checkable: bool = False


_SPECS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("open", "File", "&Open Video or Project…", ("Ctrl+O",), "Open a video or a .vidmeta.json project"),
    ActionSpec("save", "File", "&Save", ("Ctrl+S",), "Save the project beside its video"),
    ActionSpec("save_as", "File", "Save &As…", ("Ctrl+Shift+S",), "Save the project to a file you choose"),
    ActionSpec("import_eaf", "File/Import", "Annotations from ELAN .eaf…", ("Ctrl+Shift+I",)),
    ActionSpec("import_subtitles", "File/Import", "Subtitles (SRT, WebVTT, ASS)…", ("Ctrl+Alt+I",),
               "Replace the subtitle cues with those of a file"),
    ActionSpec("export_project", "File/Export", "Project as JSON…", ("Ctrl+Shift+E",)),
    ActionSpec("export_csv", "File/Export", "Annotations as CSV…", ("Ctrl+Alt+E",)),
    ActionSpec("export_eaf", "File/Export", "Annotations as ELAN .eaf…", ("Ctrl+E",)),
    ActionSpec("export_srt", "File/Export", "Subtitles as SRT…", ("Ctrl+Alt+S",)),
    ActionSpec("export_vtt", "File/Export", "Subtitles as WebVTT…", ("Ctrl+Alt+W",)),
    ActionSpec("export_ass", "File/Export", "Subtitles as ASS…", ("Ctrl+Alt+A",)),
    ActionSpec("export_transcript_txt", "File/Export", "Transcript as Text…", ("Ctrl+Alt+T",)),
    ActionSpec("export_transcript_json", "File/Export", "Transcript as JSON…", ("Ctrl+Alt+J",)),
    ActionSpec("export_suspect", "File/Export", "Keep Suspect Cues in Exports", ("Ctrl+Alt+K",),
               "Also write cues recognised where no one seems to speak", checkable=True),
    ActionSpec("save_frame", "File/Export", "Current Frame as PNG…", ("Ctrl+Shift+F",),
               "The frame on screen with its overlays"),
    ActionSpec("close", "File", "&Close", ("Ctrl+W",)),
    ActionSpec("quit", "File", "&Quit", ("Ctrl+Q",)),
    # Edit (undo/redo come from the undo stack, see bind_undo_actions)
    ActionSpec("settings", "Edit", "Se&ttings…", ("Ctrl+,",)),
    # Segment
    ActionSpec("mark_in", "Segment", "Mark &In", ("I",), "Remember the playhead as the start of a new segment"),
    ActionSpec("mark_out", "Segment", "Mark &Out (Create Segment)", ("O",),
               "Create a segment from the mark-in to the playhead"),
    ActionSpec("deselect", "Segment", "Deselect and Clear Marks", ("Esc",)),
    ActionSpec("set_start", "Segment", "Set Start to Playhead", ("[",)),
    ActionSpec("set_end", "Segment", "Set End to Playhead", ("]",)),
    ActionSpec("nudge_left", "Segment", "Move Left One Frame", ("Alt+Left",)),
    ActionSpec("nudge_right", "Segment", "Move Right One Frame", ("Alt+Right",)),
    ActionSpec("split", "Segment", "&Split at Playhead", ("S",)),
    ActionSpec("merge", "Segment", "&Merge Selected", ("J",)),
    ActionSpec("delete", "Segment", "&Delete Selected", ("Del", "Backspace")),
    ActionSpec("edit_text", "Segment", "Edit &Text…", ("F2", "Return")),
    ActionSpec("accept", "Segment", "&Accept Suggestion", ("A",), "Move model suggestions into the annotation tier"),
    ActionSpec("select_next", "Segment", "Select Next Segment", ("Tab",)),
    ActionSpec("select_prev", "Segment", "Select Previous Segment", ("Shift+Tab",)),
    ActionSpec("select_all", "Segment", "Select All in Tier", ("Ctrl+A",)),
    *(ActionSpec(f"label_{k}", "Segment/Apply Label", f"Label {k}", (str(k),)) for k in range(1, 10)),
    ActionSpec("label_clear", "Segment/Apply Label", "Clear Label", ("0",)),
    ActionSpec("new_label", "Segment", "New &Label…", ("Ctrl+L",)),
    ActionSpec("tier_prev", "Segment", "Previous Tier", ("Up",)),
    ActionSpec("tier_next", "Segment", "Next Tier", ("Down",)),
    ActionSpec("new_tier", "Segment", "New Tier…", ("Ctrl+T",)),
    ActionSpec("rename_tier", "Segment", "Rename Tier…", ("Shift+F2",)),
    ActionSpec("delete_tier", "Segment", "Delete Tier", ("Ctrl+Shift+Del",)),
    # Labels
    ActionSpec("suggest_labels", "Labels", "&Suggest Labels", ("Ctrl+G",),
               "Learn the labels of your segments and propose them for the rest of the video"),
    ActionSpec("ask_next", "Labels", "Ask Me &Next", ("N",),
               "Go to the part of the video the model is least sure about"),
    ActionSpec("reject", "Labels", "&Reject Suggestion", ("R",),
               "Say no to the selected suggestions; they become examples of what the label is not"),
    ActionSpec("find_similar", "Labels", "&Find Similar", ("F",),
               "The moments most like the selected segment, in this video and the library"),
    ActionSpec("search_transcripts", "Labels", "Search &Transcripts…", ("Ctrl+Shift+H",),
               "Find words in the subtitles of this video and of the library"),
    ActionSpec("meta_train", "Labels", "&Meta-train on Folder…", ("Ctrl+Alt+M",),
               "Learn the window mapping from your own videos (their shots are the classes)"),
    ActionSpec("previous_mapping", "Labels", "Use Previous Mapping", ("Ctrl+Alt+Shift+M",),
               "Go back to the mapping before the last meta-training"),
    ActionSpec("save_label_set", "Labels", "Sa&ve Label Set…", ("Ctrl+Shift+B",),
               "Keep this video's labelled segments in the library, to label other videos with"),
    ActionSpec("apply_label_set", "Labels", "A&pply Label Set…", ("Ctrl+Alt+L",),
               "Suggest the labels of a label set from the library for this video"),
    ActionSpec("export_label_set", "Labels", "&Export Label Set…", ("Ctrl+Alt+Shift+E",),
               "Write a label set to a file to share it"),
    ActionSpec("import_label_set", "Labels", "&Import Label Set…", ("Ctrl+Alt+Shift+I",),
               "Add a shared label set file to the library"),
    # Speech
    ActionSpec("transcribe", "Speech", "&Generate Subtitles", ("Ctrl+Shift+G",),
               "Recognise the speech of the video in the background; the cues replace the current ones"),
    ActionSpec("toggle_subtitles", "Speech", "&Subtitle Editor", ("Ctrl+Shift+U",), checkable=True),
    # Summary
    ActionSpec("summarize", "Summary", "&Summarize Video", ("Ctrl+Shift+Y",),
               "Chapters and a summary from the picture, the subtitles and your labels"),
    ActionSpec("export_summary", "Summary", "&Export Summary…", ("Ctrl+Alt+Shift+S",),
               "Chapter files (WebVTT, FFmpeg, list), the summary (Markdown, HTML), storyboard and highlight reel"),
    ActionSpec("toggle_summary", "Summary", "Summary &Panel", ("Ctrl+Shift+R",), checkable=True),
    # Playback
    ActionSpec("play", "Playback", "&Play / Pause", ("Space",)),
    ActionSpec("frame_back", "Playback", "One Frame Back", ("Left",)),
    ActionSpec("frame_fwd", "Playback", "One Frame Forward", ("Right",)),
    ActionSpec("back_1s", "Playback", "Back 1 s", ("Shift+Left",)),
    ActionSpec("fwd_1s", "Playback", "Forward 1 s", ("Shift+Right",)),
    ActionSpec("back_5s", "Playback", "Back 5 s", ("Ctrl+Left",)),
    ActionSpec("fwd_5s", "Playback", "Forward 5 s", ("Ctrl+Right",)),
    ActionSpec("go_start", "Playback", "Go to Start", ("Home",)),
    ActionSpec("go_end", "Playback", "Go to End", ("End",)),
    ActionSpec("slower", "Playback", "Slower", ("Ctrl+Down",)),
    ActionSpec("faster", "Playback", "Faster", ("Ctrl+Up",)),
    ActionSpec("normal_speed", "Playback", "Normal Speed", ("Ctrl+Shift+Up",)),
    ActionSpec("mute", "Playback", "&Mute", ("M",), checkable=True),
    # View
    ActionSpec("zoom_in", "View", "Zoom &In", ("Ctrl+=", "Ctrl++")),
    ActionSpec("zoom_out", "View", "Zoom &Out", ("Ctrl+-",)),
    ActionSpec("zoom_fit", "View", "&Fit Whole Video", ("Ctrl+0",)),
    ActionSpec("follow", "View", "Follow Playhead", ("Ctrl+Shift+P",), checkable=True),
    ActionSpec("find_speakers", "View", "Find Faces and Speakers", ("Ctrl+Shift+K",),
               "Analyse the video in the background, then draw face boxes and mark who speaks"),
    ActionSpec("toggle_labels", "View", "&Labels Panel", ("Ctrl+Shift+L",), checkable=True),
    ActionSpec("toggle_similar", "View", "&Similar Panel", ("Ctrl+Alt+F",), checkable=True),
    ActionSpec("toggle_jobs", "View", "&Jobs Panel", ("Ctrl+Shift+J",), checkable=True),
    ActionSpec("cancel_jobs", "View", "Cancel All Jobs", ("Ctrl+Shift+X",)),
    # Help
    ActionSpec("shortcuts", "Help", "&Keyboard Shortcuts", ("F1", "Ctrl+/")),
    ActionSpec("about", "Help", "&About vidmeta", ("Shift+F1",)),
)

MENU_ORDER = ("File", "Edit", "Segment", "Labels", "Speech", "Summary", "Playback", "View", "Help")


def specs() -> tuple[ActionSpec, ...]:
    return _SPECS


def build_actions(parent: QWidget) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for spec in _SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.key}")
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        # Window-wide, so keys work whichever panel has focus (text fields still get their keys).
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(spec.checkable)
        if spec.tip:
            action.setStatusTip(spec.tip)
        if spec.shortcuts:
            action.setToolTip(f"{spec.text.replace('&', '').rstrip('…')} ({spec.shortcuts[0]})")
        parent.addAction(action)  # shortcuts work even when the menu bar is hidden
        actions[spec.key] = action
    return actions


def bind_undo_actions(parent: QWidget, undo: QAction, redo: QAction) -> None:
    undo.setObjectName("action_undo")
    redo.setObjectName("action_redo")
    undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for a in (undo, redo):
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        parent.addAction(a)
