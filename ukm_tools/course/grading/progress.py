"""Showing grading progress: a rich progress bar with ETA on a terminal, plain lines otherwise.

with progress_reporter(console) as on_progress:
    grade_assignment(course_dir, "ps1", on_progress=on_progress)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ukm_tools.course.grading.engine import ProgressEvent


def describe(event: ProgressEvent) -> str:
    """One log line for a finished submission, e.g. ``[3/40] alice: graded 8/10``."""
    last = event.last
    if last is None:
        return f"grading {event.total} submission(s)"
    score = f" {last.score:g}/{last.max_score:g}" if last.score is not None and last.max_score is not None else ""
    reason = f" ({last.reason})" if last.reason else ""
    return f"[{event.done}/{event.total}] {last.student}: {last.status}{score}{reason}"


@contextmanager
def progress_reporter(
    console: Console | None = None, *, force_plain: bool = False
) -> Iterator[Callable[[ProgressEvent], None]]:
    """Yield an ``on_progress`` callback rendering to ``console``.

    A terminal gets a live bar (done/total, elapsed, ETA) and one line per submission that did
    not grade cleanly; anything else (CI logs, pipes) gets one plain line per submission.
    """
    console = console or Console(file=sys.stderr)
    if force_plain or not console.is_terminal:

        def plain(event: ProgressEvent) -> None:
            console.print(describe(event), markup=False, highlight=False, soft_wrap=True)

        yield plain
        return

    columns = (
        TextColumn("[bold]grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("grading", total=None, note="")

        def live(event: ProgressEvent) -> None:
            bar.update(task, total=event.total, completed=event.done, note=", ".join(event.running)[:40])
            if event.last is not None and event.last.status.value != "graded":
                bar.console.print(describe(event), markup=False, highlight=False)

        yield live
