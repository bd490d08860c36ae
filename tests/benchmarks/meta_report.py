"""Markdown for bench_meta.py: the results table and the docs/benchmarks.md section."""

from __future__ import annotations

import re
from pathlib import Path

from meta_settings import PUBLISHED, SETTINGS

SECTION = "## Meta-learning (Omniglot)"


def _cell(result: dict | None) -> str:
    if result is None:
        return "-"
    return f"{100 * result['accuracy']:.1f} ± {100 * result['ci95']:.1f}"


def results_table(results: dict[str, dict]) -> str:
    """One row per learner (and baseline): accuracy ± 95% interval per setting, episodes, seconds."""
    header = (
        "| learner | " + " | ".join(f"{w}-way {s}-shot" for w, s in SETTINGS)
        + " | episodes | train steps (best) | train s | eval s |"
    )
    lines = [header, "|" + "---|" * (len(SETTINGS) + 5)]
    for name, row in results.items():
        cells = [_cell(row["eval"].get(f"{w}w{s}s")) for w, s in SETTINGS]
        episodes = sorted({r["episodes"] for r in row["eval"].values()})
        lines.append(
            f"| {name} | " + " | ".join(cells)
            + f" | {'/'.join(str(e) for e in episodes)} | {row.get('steps', '-')} ({row.get('best_step', '-')})"
            + f" | {row.get('train_seconds', 0):.0f} | {row['eval_seconds']:.0f} |"
        )
    return "\n".join(lines)


def published_table() -> str:
    lines = ["| learner (paper, full Omniglot) | " + " | ".join(f"{w}-way {s}-shot" for w, s in SETTINGS) + " |"]
    lines.append("|" + "---|" * (len(SETTINGS) + 1))
    for name, values in PUBLISHED.items():
        lines.append(f"| {name} | " + " | ".join(f"{v:.1f}" for v in values) + " |")
    return "\n".join(lines)


def extra_table(extra: dict[str, dict]) -> str:
    lines = ["| check | result |", "|---|---|"]
    lines += [f"| {name} | {_cell(r)} |" for name, r in extra.items()]
    return "\n".join(lines)


def write_section(path: Path, body: str) -> None:
    """Replace (or append) the meta-learning section of a Markdown file, leaving the rest alone."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{SECTION}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


PROTOCOL = """\
Protocol. Training: `images_background_small1` (5 alphabets, 136 characters x 20 drawers), 28x28,
ink = 1, every 90-degree rotation a new class (544 classes); 10% of the characters (with their
rotations) are held out for validation episodes (20-way 1-shot; 5-way 1-shot for the MAML family),
which pick the best step and nothing else. Evaluation: `images_background_small2` (5 other
alphabets, 156 characters, 624 classes with rotations), 5 queries per class, episodes drawn with a
fixed seed never used for validation or tuning. Intervals are 95% (1.96 standard errors over
episodes). Published figures use the full background set (964 characters, 30 alphabets): about 7x
more characters than small1, and a different, larger evaluation set, so they are context, not a
like-for-like comparison."""

REDUCED_NOTES = """\
Reduced setting (what the CPU can do in 15 minutes). The conv4 mapping (4 x [conv3x3 64, BN,
ReLU, max-pool], 64-d output) is pre-trained once with a softmax over the 488 training classes
(1,200 steps of 360 images, Adam 2e-3 cosine, weight decay 5e-4, random shift/rotation/scale),
as in Meta-Baseline (Chen et al. 2021). Every learner then starts from it and is meta-trained
briefly with its own objective and episodes; validation also scores the starting point, and
"best" in the table is the step kept (0: meta-training did not beat the pre-trained start on
validation). The gradient learners use a prototype-initialised head (Proto-MAML) and
support-set batch-norm statistics; they adapt the whole network on every evaluation episode,
which is why they get fewer evaluation episodes (episodes column). With these short schedules
the learners differ little: the shared pre-training carries most of the accuracy; the full
setting (`--full`, from scratch, paper-like schedules) is meant to separate them on a GPU."""


def verdicts(results: dict[str, dict]) -> list[str]:
    """The issue's acceptance figures, stated plainly (met or not, with the measured value)."""

    def acc(name: str, key: str) -> float | None:
        row = results.get(name)
        return None if row is None or key not in row["eval"] else 100 * row["eval"][key]["accuracy"]

    checks = [
        ("ProtoNet 20-way 1-shot >= 93%", acc("protonet-squared_euclidean", "20w1s"), 93.0),
        ("ProtoNet 5-way 1-shot >= 98%", acc("protonet-squared_euclidean", "5w1s"), 98.0),
        ("MAML 5-way 1-shot >= 95%", acc("maml", "5w1s"), 95.0),
        ("ANIL 5-way 1-shot >= 95%", acc("anil", "5w1s"), 95.0),
    ]
    lines = [
        f"- {label}: {'met' if value >= bar else 'NOT met'} ({value:.2f})"
        for label, value, bar in checks
        if value is not None
    ]
    baselines = [n for n in results if n.startswith(("nearest neighbour", "conv4 untrained"))]
    learners = [n for n in results if n not in baselines and not n.startswith("conv4 pre-trained")]
    worst = []
    for key in ("5w1s", "5w5s", "20w1s", "20w5s"):
        best_baseline = max((acc(b, key) or 0.0) for b in baselines) if baselines else 0.0
        below = [n for n in learners if (acc(n, key) or 0.0) <= best_baseline + 5.0]
        worst += [f"{n} ({key})" for n in below]
    if learners and baselines:
        lines.append(
            "- every learner at least 5 points above both baselines in every setting: "
            + ("yes" if not worst else "no: " + ", ".join(worst))
        )
    return lines


def section(summary: dict) -> str:
    results, extra = summary["results"], summary.get("extra", {})
    head = (
        f"Measured {summary['date']} on {summary['machine']}, setting `{summary['setting']}`:\n\n"
        f"    {summary['command']}\n\n"
        f"Wall time {summary['wall_seconds'] / 60:.1f} min (load average {summary['load_average_start']:.1f} at the "
        f"start, {summary['load_average_end']:.1f} at the end; the machine was shared with other jobs, so "
        "seconds in the table are indicative). Checkpoints: one `.safetensors` per row under `--out` "
        "(default `build/bench-meta/`), loadable with `vidmeta.meta.load_learner`; `results.json` beside them."
    )
    parts = [head, PROTOCOL, results_table(results), published_table()]
    if extra:
        parts.append("Robustness (same checkpoint, evaluation images prepared differently):\n\n" + extra_table(extra))
    parts.append("Acceptance figures of the issue (from the table above):\n\n" + "\n".join(verdicts(results)))
    if summary["setting"] == "reduced":
        parts.append(REDUCED_NOTES)
    return "\n\n".join(parts)
