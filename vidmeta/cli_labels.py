"""vidmeta-cli label / label-set: apply a label set to a video, and manage the library's label sets.

    vidmeta-cli label VIDEO --label-set NAME [--out segments.csv]
    vidmeta-cli label-set save VIDEO --name NAME [--project FILE]
    vidmeta-cli label-set list
    vidmeta-cli label-set export NAME FILE
    vidmeta-cli label-set import FILE [--name NAME]
    vidmeta-cli meta-train DIR_OR_VIDEO... [--steps N]
    vidmeta-cli meta-train --go-back
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vidmeta.domain import ProjectDocument, ProjectError

EXIT_OK = 0


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("label", help="label a video with a label set from the library")
    p.add_argument("video", help="a video file")
    p.add_argument("--label-set", required=True, help="name of the label set (see: vidmeta-cli label-set list)")
    p.add_argument("--out", help="write the suggested segments as CSV here (default: print them)")
    p.set_defaults(func=cmd_label)

    p = subparsers.add_parser("label-set", help="save, list, export and import label sets")
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = sub.add_parser("save", help="store a video's labelled segments (from its project) in a label set")
    s.add_argument("video", help="the video; its labels come from VIDEO.vidmeta.json unless --project is given")
    s.add_argument("--name", required=True, help="label set to create or extend")
    s.add_argument("--project", help="the project file holding the labelled segments")
    s.set_defaults(func=cmd_save)
    s = sub.add_parser("list", help="the label sets in the library")
    s.set_defaults(func=cmd_list)
    s = sub.add_parser("export", help="write a label set to a file to share it")
    s.add_argument("name")
    s.add_argument("file")
    s.set_defaults(func=cmd_export)
    m = subparsers.add_parser("meta-train", help="meta-train the window mapping on your videos (Suggest then uses it)")
    m.add_argument("paths", nargs="*", help="videos, or folders searched for videos")
    m.add_argument("--steps", type=int, default=300, help="training steps (default 300)")
    m.add_argument("--go-back", action="store_true", help="use the previous mapping again (or none)")
    m.set_defaults(func=cmd_meta_train)

    s = sub.add_parser("import", help="read a shared label set file into the library")
    s.add_argument("file")
    s.add_argument("--name", help="store it under this name instead of its own")
    s.set_defaults(func=cmd_import)


def _checked_video(video: str) -> Path:
    from vidmeta.media.probe import check_readable

    return check_readable(video)


def cmd_label(args: argparse.Namespace) -> int:
    from vidmeta.cli_progress import run_with_progress
    from vidmeta.domain import CancelToken
    from vidmeta.io.annotations import export_csv
    from vidmeta.labelling.label_sets import LabelSetLibrary
    from vidmeta.pipeline.labelling_jobs import apply_label_set_job

    path = _checked_video(args.video)
    label_set = LabelSetLibrary().get(args.label_set)
    result = run_with_progress(apply_label_set_job(path, label_set, cancel=CancelToken()), desc=path.name)
    segments = result.tier.segments
    if args.out:
        out = export_csv(ProjectDocument(tiers=(result.tier,)), args.out)
        print(f"{out}: {len(segments)} segment(s) labelled with {label_set.name!r}")
    else:
        for s in segments:
            print(f"{s.start:9.3f}\t{s.end:9.3f}\t{s.label}\t{s.confidence:.2f}")
    return EXIT_OK


def cmd_save(args: argparse.Namespace) -> int:
    from vidmeta.cli_progress import run_with_progress
    from vidmeta.domain import CancelToken
    from vidmeta.pipeline.labelling_jobs import save_label_set_job
    from vidmeta.store import load_project
    from vidmeta.store.project_file import default_project_path

    path = _checked_video(args.video)
    project = Path(args.project) if args.project else default_project_path(path)
    if not project.is_file():
        raise ProjectError(project, "no project file with labelled segments (label the video in the app and save)")
    doc = load_project(project)
    label_set = run_with_progress(save_label_set_job(path, doc, args.name, cancel=CancelToken()), desc=path.name)
    counts = ", ".join(f"{label} ({sum(e.label == label for e in label_set.examples)})" for label in label_set.labels)
    print(f"label set {label_set.name!r}: {len(label_set.examples)} example windows from "
          f"{len(label_set.videos)} video(s): {counts}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from vidmeta.labelling.label_sets import LabelSetLibrary

    library = LabelSetLibrary()
    for name in library.names():
        label_set = library.get(name)
        print(f"{name}\t{', '.join(label_set.labels)}\t{len(label_set.examples)} examples\t"
              f"{len(label_set.videos)} video(s)")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from vidmeta.labelling.label_sets import LabelSetLibrary

    out = LabelSetLibrary().export(args.name, args.file)
    print(f"{out}: label set {args.name!r} written")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from vidmeta.labelling.label_sets import LabelSetLibrary

    label_set = LabelSetLibrary().import_file(args.file, name=args.name)
    print(f"label set {label_set.name!r} imported: {', '.join(label_set.labels)} "
          f"({len(label_set.examples)} examples)")
    return EXIT_OK


def cmd_meta_train(args: argparse.Namespace) -> int:
    from vidmeta.domain import VidmetaError
    from vidmeta.labelling.library_training import LibraryTrainingOptions, MappingStore

    store = MappingStore()
    if args.go_back:
        current = store.go_back()
        print(f"Suggest now uses {current.name if current else 'the raw window descriptors (no learned mapping)'}")
        return EXIT_OK
    if not args.paths:
        raise VidmetaError(None, "name the videos or folders to meta-train on (or --go-back)")
    if args.steps < 1:
        raise VidmetaError(None, "--steps must be at least 1")
    from vidmeta.cli_progress import run_with_progress
    from vidmeta.domain import CancelToken
    from vidmeta.pipeline.labelling_jobs import meta_train_library_job

    path = run_with_progress(meta_train_library_job(args.paths, cancel=CancelToken(), store=store,
                                                    options=LibraryTrainingOptions(steps=args.steps)),
                             desc="meta-train")
    print(f"{path}: trained; Suggest uses it from now on (vidmeta-cli meta-train --go-back undoes that)")
    return EXIT_OK
