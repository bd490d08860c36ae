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
    header = "| learner | " + " | ".join(f"{w}-way {s}-shot" for w, s in SETTINGS) + " | episodes | train s | eval s |"
    lines = [header, "|" + "---|" * (len(SETTINGS) + 4)]
    for name, row in results.items():
        cells = [_cell(row["eval"].get(f"{w}w{s}s")) for w, s in SETTINGS]
        episodes = sorted({r["episodes"] for r in row["eval"].values()})
        lines.append(
            f"| {name} | " + " | ".join(cells)
            + f" | {'/'.join(str(e) for e in episodes)} | {row.get('train_seconds', 0):.0f} | {row['eval_seconds']:.0f} |"
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
