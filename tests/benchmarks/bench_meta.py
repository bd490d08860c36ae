"""Omniglot few-shot benchmark of every vidmeta.meta learner and distance, with two baselines.

Train on images_background_small1 (5 alphabets, 136 characters; each 90-degree rotation a new
class; 10% of the characters held out for validation and early stopping) and evaluate on
episodes of images_background_small2 (5 other alphabets, 156 characters) at 28x28, ink = 1.

Usage:
    python tests/benchmarks/bench_meta.py                  # reduced CPU setting (< 15 min on 2 cores)
    python tests/benchmarks/bench_meta.py --full           # paper-like settings, for a GPU
    python tests/benchmarks/bench_meta.py --runs protonet-squared_euclidean anil
    python tests/benchmarks/bench_meta.py --docs docs/benchmarks.md   # also rewrite that section
    python tests/benchmarks/bench_meta.py --from-results build/bench-meta/results.json --docs docs/benchmarks.md

Checkpoints (one .safetensors per learner, loadable with vidmeta.meta.load_learner) and
results.json go to --out (default build/bench-meta). Evaluation episodes use a fixed seed that
is never used for validation or tuning.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from meta_report import extra_table, published_table, results_table, section, write_section  # noqa: E402
from meta_settings import CONV4, EVAL_QUERIES, SETTINGS, Plan, full_plan, reduced_plan, select  # noqa: E402
from vidmeta.meta import (  # noqa: E402
    ArrayDataset,
    LearnerSpec,
    PixelNearestNeighbour,
    build_learner,
    embed_dataset,
    evaluate,
    load_image_folder,
    load_omniglot,
    read_checkpoint_config,
    save_learner,
    select_device,
    split_classes,
    train_job,
    untrained_protonet,
    with_rotated_classes,
)

EVAL_SEED = 20261126  # the evaluation episodes; never used for validation or tuning
DEFAULT_DATA = REPO.parent / "shared" / "data" / "omniglot"


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def drive(job, every: int = 100):
    """Run a training job, logging every ``every`` steps; returns its result."""
    count = 0
    while True:
        try:
            progress = next(job)
        except StopIteration as stop:
            return stop.value
        count += 1
        if count % every == 0:
            log(f"  {progress.detail}")


def evaluate_all(learner, test: ArrayDataset, plan: Plan) -> tuple[dict, float]:
    start = time.perf_counter()
    cached = bool(getattr(learner, "caches_features", False))
    features = embed_dataset(learner, test) if cached else None
    out = {}
    for ways, shots in SETTINGS:
        episodes = plan.eval_episodes if cached else plan.eval_episodes_adapting.get(ways, plan.eval_episodes)
        result = evaluate(
            learner, test, ways=ways, shots=shots, queries=EVAL_QUERIES, episodes=episodes, seed=EVAL_SEED,
            features=features,
        )
        out[f"{ways}w{shots}s"] = {"accuracy": result.accuracy, "ci95": result.ci95, "episodes": result.episodes,
                                   "seconds": result.seconds}
        log(f"  {result}  [{result.seconds:.1f} s]")
    return out, time.perf_counter() - start


def machine_description(device: torch.device) -> str:
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else "no GPU"
    return f"{os.cpu_count()}-core CPU, {gpu}"


def area_resized(source: Path) -> ArrayDataset:
    """small2 prepared another way (area averaging instead of antialiased bilinear): a robustness check."""
    native = load_image_folder(source, invert=True)
    small = F.interpolate(native.inputs, size=(28, 28), mode="area")
    return with_rotated_classes(ArrayDataset(small, native.labels, native.class_names))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the two Omniglot zips")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bench-meta", help="checkpoints and results")
    parser.add_argument("--full", action="store_true", help="paper-like settings (GPU)")
    parser.add_argument("--runs", nargs="*", help="only these runs (names as in the table)")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    parser.add_argument("--docs", type=Path, help="rewrite the meta-learning section of this Markdown file")
    parser.add_argument("--from-results", type=Path, help="only report a previous run's results.json (with --docs)")
    args = parser.parse_args()

    if args.from_results:
        summary = json.loads(args.from_results.read_text())
        summary.setdefault("machine", f"{summary.get('cpu_count')}-core CPU, no GPU")
        print(section(summary))
        if args.docs:
            write_section(args.docs, section(summary))
        return 0

    torch.set_num_threads(args.threads)
    small1, small2 = args.data / "images_background_small1.zip", args.data / "images_background_small2.zip"
    if not (small1.is_file() and small2.is_file()):
        print(f"Omniglot zips not found in {args.data}", file=sys.stderr)
        return 2
    plan = select(full_plan() if args.full else reduced_plan(), args.runs)
    device = select_device(args.device)
    args.out.mkdir(parents=True, exist_ok=True)
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    log(f"setting: {'full' if args.full else 'reduced'}; device {device}; {args.threads} threads")

    train, validation = split_classes(load_omniglot(small1), fraction=0.1, seed=0, group=4)
    test = load_omniglot(small2)
    log(f"data: {len(train)} training / {len(validation)} validation images, {len(test)} test images")

    results: dict[str, dict] = {}
    for name, baseline in (
        ("nearest neighbour on pixels", PixelNearestNeighbour((1, 28, 28))),
        ("conv4 untrained (ProtoNet)", untrained_protonet(CONV4, seed=0).to(device)),
    ):
        log(f"baseline: {name}")
        results[name] = dict(zip(("eval", "eval_seconds"), evaluate_all(baseline, test, plan)))

    pretrained = None
    if plan.pretrain is not None and any(r.pretrained for r in plan.runs):
        log("pre-training the conv4 mapping (softmax over the training classes)")
        torch.manual_seed(0)
        pretrained = build_learner(LearnerSpec(kind="protonet", mapping=CONV4))
        result = drive(train_job(pretrained, train, options=plan.pretrain, validation=validation,
                                 checkpoint=args.out / "pretrained-conv4.safetensors"))
        log(f"  pre-training: {result.steps} steps, {result.seconds:.0f} s, validation {result.best_accuracy:.4f}")
        results["conv4 pre-trained only (ProtoNet)"] = dict(
            zip(("eval", "eval_seconds"), evaluate_all(pretrained, test, plan)), train_seconds=result.seconds,
            steps=result.steps, best_step=result.best_step, validation=result.best_accuracy,
        )

    best = None
    for run in plan.runs:
        log(f"run: {run.name}")
        torch.manual_seed(run.options.seed)
        learner = build_learner(run.spec)
        if run.pretrained and pretrained is not None:
            learner.mapping.load_state_dict(pretrained.mapping.state_dict())
        options = run.options.__class__(**(run.options.__dict__ | {"device": args.device}))
        result = drive(train_job(learner, train, options=options, validation=validation,
                                 checkpoint=args.out / f"{run.name}.safetensors",
                                 checkpoint_extra={"benchmark": "omniglot", "pretrained_mapping": run.pretrained}))
        log(f"  {result.steps} steps ({result.stopped}), {result.seconds:.0f} s, validation {result.best_accuracy:.4f}")
        if run.shift_views:
            # Test-time shift averaging is not validated per step (5x the cost); it is part of the
            # saved learner, so load_learner gives what the table measured.
            result.learner.spec = dataclasses.replace(result.learner.spec, shift_views=run.shift_views)
            save_learner(result.learner, args.out / f"{run.name}.safetensors",
                         extra=read_checkpoint_config(args.out / f"{run.name}.safetensors").get("extra"))
        evaluation, seconds = evaluate_all(result.learner, test, plan)
        results[run.name] = {"eval": evaluation, "eval_seconds": seconds, "train_seconds": result.seconds,
                             "validation": result.best_accuracy, "steps": result.steps, "best_step": result.best_step}
        if run.name == "protonet-squared_euclidean":
            best = result.learner

    extra = {}
    if best is not None:
        log("robustness: ProtoNet on small2 resized with area averaging instead of antialiased bilinear")
        area = area_resized(small2)
        area_features = embed_dataset(best, area)
        for ways, shots in ((5, 1), (20, 1)):
            r = evaluate(best, area, ways=ways, shots=shots, queries=EVAL_QUERIES, episodes=plan.eval_episodes,
                         seed=EVAL_SEED, features=area_features)
            extra[f"protonet-squared_euclidean, area-resized inputs, {ways}-way {shots}-shot"] = {
                "accuracy": r.accuracy, "ci95": r.ci95}
        log(f"  {extra}")

    wall = time.perf_counter() - started
    summary = {
        "date": datetime.date.today().isoformat(), "setting": "full" if args.full else "reduced",
        "command": " ".join([Path(sys.executable).name] + sys.argv), "wall_seconds": wall,
        "device": str(device), "machine": machine_description(device), "threads": args.threads, "cpu_count": os.cpu_count(), "platform": platform.platform(),
        "torch": torch.__version__, "load_average_start": load_start, "load_average_end": os.getloadavg()[0],
        "results": results, "extra": extra,
    }
    (args.out / "results.json").write_text(json.dumps(summary, indent=2))
    table = results_table(results)
    print("\n" + table + "\n\n" + published_table() + "\n")
    if extra:
        print(extra_table(extra) + "\n")
    log(f"done in {wall / 60:.1f} min; checkpoints and results.json in {args.out}")
    if args.docs:
        write_section(args.docs, section(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
