"""Annotation tiers as CSV (one row per segment) and as ELAN .eaf (pympi-ling).

In ELAN an annotation holds one value. A segment's label is the value on the main tier; a segment
that also has free text gets it on a dependent tier named "<tier> (text)", as ELAN users model
several fields. The tier kind travels as the linguistic type "vidmeta-<kind>".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from vidmeta.domain import Label, ProjectDocument, ProjectError, Segment, Tier, TierKind

CSV_COLUMNS = ("tier", "tier_kind", "start", "end", "label", "text", "confidence", "source", "segment_id")
_TEXT_SUFFIX = " (text)"
_TYPE_PREFIX = "vidmeta-"
_TEXT_TYPE = "vidmeta-text"


def export_csv(doc: ProjectDocument, path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for tier in doc.tiers:
            for s in sorted(tier.segments, key=lambda s: (s.start, s.end)):
                writer.writerow(
                    [tier.name, tier.kind.value, f"{s.start:.3f}", f"{s.end:.3f}", s.label, s.text,
                     "" if s.confidence is None else f"{s.confidence:.4f}", s.source.value, s.id]
                )
    return path


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def export_eaf(doc: ProjectDocument, path: str | Path) -> Path:
    import pympi

    path = Path(path)
    eaf = pympi.Elan.Eaf(author="vidmeta")
    eaf.remove_tier("default")
    if doc.video is not None:
        eaf.add_linked_file(str(doc.video.path), relpath=doc.video.path.name)
    eaf.add_linguistic_type(_TEXT_TYPE, constraints="Symbolic_Association", timealignable=False)
    for kind in TierKind:
        eaf.add_linguistic_type(_TYPE_PREFIX + kind.value)
    if doc.labels:
        eaf.add_controlled_vocabulary("vidmeta-labels")
        eaf.add_language("eng")
        for i, lab in enumerate(doc.labels):
            eaf.add_cv_entry("vidmeta-labels", f"cveid{i}", [(lab.name, "eng", None)])
    for tier in doc.tiers:
        if tier.name in eaf.get_tier_names():
            raise ProjectError(path, f"two tiers are named {tier.name!r}; ELAN needs unique tier names")
        eaf.add_tier(tier.name, ling=_TYPE_PREFIX + tier.kind.value)
        has_text = any(s.label and s.text for s in tier.segments)
        text_tier = tier.name + _TEXT_SUFFIX
        if has_text:
            eaf.add_tier(text_tier, ling=_TEXT_TYPE, parent=tier.name)
        for s in sorted(tier.segments, key=lambda s: (s.start, s.end)):
            start, end = _ms(s.start), _ms(s.end)
            eaf.add_annotation(tier.name, start, end, value=s.label or s.text)
            if has_text and s.label and s.text:
                eaf.add_ref_annotation(text_tier, tier.name, (start + end) // 2, s.text)
    eaf.to_file(str(path))
    return path


@dataclass(frozen=True)
class ImportedAnnotations:
    tiers: tuple[Tier, ...]
    labels: tuple[Label, ...]  # vocabulary entries found in the file (controlled vocabularies)


def import_eaf(path: str | Path) -> ImportedAnnotations:
    """Read the time-aligned tiers of an ELAN file; dependent "(text)" tiers fill segment text."""
    import pympi

    path = Path(path)
    if not path.is_file():
        raise ProjectError(path, "no such ELAN file")
    try:
        eaf = pympi.Elan.Eaf(str(path))
    except Exception as exc:  # pympi raises bare Exceptions and XML errors alike
        raise ProjectError(path, f"not a readable ELAN .eaf file ({exc})") from None
    vocabulary = _vocabulary(eaf)
    tiers: list[Tier] = []
    for name in eaf.get_tier_names():
        params = eaf.get_parameters_for_tier(name)
        ling = params.get("LINGUISTIC_TYPE_REF", "")
        if ling == _TEXT_TYPE or "PARENT_REF" in params:
            continue
        kind_name = ling[len(_TYPE_PREFIX):] if ling.startswith(_TYPE_PREFIX) else TierKind.ANNOTATION.value
        kind = TierKind(kind_name) if kind_name in {k.value for k in TierKind} else TierKind.ANNOTATION
        texts: dict[tuple[int, int], str] = {}
        if name + _TEXT_SUFFIX in eaf.get_tier_names():
            for start, end, text, _parent_value in eaf.get_ref_annotation_data_for_tier(name + _TEXT_SUFFIX):
                texts[(start, end)] = text
        segments = []
        for start, end, value, *_ in eaf.get_annotation_data_for_tier(name):
            if end <= start:
                continue  # ELAN allows zero-length annotations; a segment needs a duration
            text = texts.get((start, end))
            if text is not None or (value in vocabulary and kind != TierKind.SUBTITLE):
                label, seg_text = value, text or ""
            else:
                label, seg_text = "", value
            segments.append(Segment(start=start / 1000, end=end / 1000, label=label, text=seg_text))
        tiers.append(Tier(name=name, kind=kind, segments=tuple(sorted(segments, key=lambda s: (s.start, s.end)))))
    labels = tuple(Label(name) for name in vocabulary)
    return ImportedAnnotations(tiers=tuple(tiers), labels=labels)


def _vocabulary(eaf) -> list[str]:
    names: list[str] = []
    for cv in eaf.get_controlled_vocabulary_names():
        for _cve_id, (values, _ext) in eaf.get_cv_entries(cv).items():
            for value, _lang, _desc in values:
                if value not in names:
                    names.append(value)
    return names

