"""Project documents on disk: JSON sidecars with atomic saves, backups and migrations."""

from vidmeta.store.fingerprint import fingerprint_file, find_moved_video, video_ref
from vidmeta.store.project_file import (
    SCHEMA_VERSION,
    default_project_path,
    document_from_dict,
    document_to_dict,
    load_project,
    save_project,
)

__all__ = [
    "SCHEMA_VERSION",
    "default_project_path",
    "document_from_dict",
    "document_to_dict",
    "find_moved_video",
    "fingerprint_file",
    "load_project",
    "save_project",
    "video_ref",
]
