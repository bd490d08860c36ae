"""Import and export: annotations (CSV, ELAN .eaf); subtitles and chapters come with their issues."""

from vidmeta.io.annotations import export_csv, export_eaf, import_eaf

__all__ = ["export_csv", "export_eaf", "import_eaf"]
