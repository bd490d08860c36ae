"""Running a pipeline job from the command line with a progress bar on stderr."""

from __future__ import annotations

import sys

from vidmeta.pipeline.jobs import Job, T, run_job


def run_with_progress(job: Job[T], *, desc: str) -> T:
    """Drive `job`, drawing a bar with its stage text (hidden when stderr is not a terminal)."""
    from tqdm import tqdm

    with tqdm(total=100, unit="%", file=sys.stderr, disable=None, desc=desc,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}") as bar:
        def on_progress(progress) -> None:
            bar.n = round(100 * progress.fraction)
            bar.set_postfix_str(progress.stage + (f" ({progress.detail})" if progress.detail else ""), refresh=False)
            bar.refresh()

        return run_job(job, on_progress=on_progress)
