"""Subtitles as SRT, WebVTT and ASS (pysubs2), and transcripts as TXT and JSON.

Suspect cues (recognised where no one seems to speak) are left out of exports unless asked for.
Speakers travel as the ASS event name, as a WebVTT voice tag, and in the transcripts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from vidmeta.domain import Cue, ProjectError, Word

SUBTITLE_FORMATS = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ssa"}
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*)$", re.S)


def _format_of(path: Path) -> str:
    fmt = SUBTITLE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ProjectError(path, f"unknown subtitle format {path.suffix!r} (use .srt, .vtt or .ass)")
    return fmt


def _kept(cues: Sequence[Cue], include_suspect: bool) -> list[Cue]:
    return sorted((c for c in cues if include_suspect or not c.suspect), key=lambda c: (c.start, c.end))


def export_subtitles(cues: Sequence[Cue], path: str | Path, *, include_suspect: bool = False) -> Path:
    import pysubs2

    path = Path(path)
    fmt = _format_of(path)
    subs = pysubs2.SSAFile()
    for cue in _kept(cues, include_suspect):
        event = pysubs2.SSAEvent(start=int(round(cue.start * 1000)), end=int(round(cue.end * 1000)))
        event.plaintext = cue.text
        if cue.speaker and fmt in ("ass", "ssa"):
            event.name = cue.speaker
        elif cue.speaker and fmt == "vtt":
            event.text = f"<v {cue.speaker}>" + event.text
        subs.append(event)
    try:
        subs.save(str(path), format_=fmt)
    except OSError as exc:
        raise ProjectError(path, f"cannot write subtitles ({exc.strerror or exc})") from None
    return path


def import_subtitles(path: str | Path) -> list[Cue]:
    import pysubs2

    path = Path(path)
    fmt = _format_of(path)
    try:
        # Keep markup in WebVTT so that voice tags (<v Speaker>) survive as speakers.
        subs = pysubs2.load(str(path), keep_html_tags=True) if fmt == "vtt" else pysubs2.load(str(path))
    except FileNotFoundError:
        raise ProjectError(path, "no such subtitle file") from None
    except (pysubs2.exceptions.Pysubs2Error, UnicodeDecodeError, ValueError, OSError) as exc:
        raise ProjectError(path, f"not a readable subtitle file ({type(exc).__name__}: {exc})") from None
    cues = []
    for event in subs:
        if event.is_comment or event.end <= event.start:
            continue
        text, speaker = event.plaintext, event.name or None
        if fmt == "vtt":
            match = _VOICE.match(event.text)
            if match:
                speaker, event.text = match.group(1).strip(), match.group(2)
            text = re.sub(r"</?[^>\n]+>", "", event.plaintext)  # other WebVTT markup: <i>, <c.x>, ...
        cues.append(Cue(start=event.start / 1000, end=event.end / 1000, text=text, speaker=speaker))
    return cues


def _clock(t: float) -> str:
    h, rem = divmod(int(t), 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


def export_transcript_txt(cues: Sequence[Cue], path: str | Path, *, include_suspect: bool = False) -> Path:
    """One paragraph per speaker turn, each starting with its time and speaker."""
    path = Path(path)
    paragraphs: list[str] = []
    last_speaker: object = object()
    for cue in _kept(cues, include_suspect):
        text = " ".join(cue.text.split())
        if cue.speaker != last_speaker or not paragraphs:
            who = f"{cue.speaker}: " if cue.speaker else ""
            paragraphs.append(f"[{_clock(cue.start)}] {who}{text}")
            last_speaker = cue.speaker
        else:
            paragraphs[-1] += " " + text
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def export_transcript_json(cues: Sequence[Cue], path: str | Path, *, include_suspect: bool = False) -> Path:
    path = Path(path)
    data = {
        "cues": [
            {
                "start": c.start, "end": c.end, "text": c.text, "speaker": c.speaker, "suspect": c.suspect,
                "words": [{"start": w.start, "end": w.end, "word": w.text, "probability": w.probability}
                          for w in c.words],
            }
            for c in _kept(cues, include_suspect)
        ]
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def import_transcript_json(path: str | Path) -> list[Cue]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Cue(start=float(c["start"]), end=float(c["end"]), text=str(c["text"]), speaker=c.get("speaker"),
                suspect=bool(c.get("suspect", False)),
                words=tuple(Word(float(w["start"]), float(w["end"]), str(w["word"]), float(w["probability"]))
                            for w in c.get("words", [])))
            for c in data["cues"]
        ]
    except FileNotFoundError:
        raise ProjectError(path, "no such transcript file") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ProjectError(path, f"not a vidmeta transcript ({type(exc).__name__}: {exc})") from None
