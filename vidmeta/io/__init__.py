"""Import and export: annotations (CSV, ELAN .eaf), subtitles (SRT, WebVTT, ASS) and transcripts."""

from vidmeta.io.annotations import export_csv, export_eaf, import_eaf
from vidmeta.io.subtitles import (
    SUBTITLE_FORMATS,
    export_subtitles,
    export_transcript_json,
    export_transcript_txt,
    import_subtitles,
    import_transcript_json,
)

__all__ = [
    "SUBTITLE_FORMATS",
    "export_csv",
    "export_eaf",
    "export_subtitles",
    "export_transcript_json",
    "export_transcript_txt",
    "import_eaf",
    "import_subtitles",
    "import_transcript_json",
]
