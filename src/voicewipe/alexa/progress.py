"""Progress for long work, on the terminal only: records listed, audio downloaded (count,
bytes, rate, time left) and entries deleted. When stderr is not a terminal (cron, a pipe, a
test) there is no display at all: the log lines say the same in words.

Each display listens to the runner (Runner.listeners): finished steps, and running requests
that report each page of records they have listed. What they look for is the kind of step
and its details, never a flow's labels, so a mended flow keeps its progress.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress, ProgressColumn

    from voicewipe.alexa.job import AlexaJob
    from voicewipe.runner.context import StepRecord

Listener = Callable[["StepRecord"], None]


def _on_terminal(job: AlexaJob) -> bool:
    # Drawn on stderr, but only when stdout is a terminal too: `--json > file` or a pipe into
    # a script means nobody is watching this run's output.
    return job.job.runner is not None and sys.stderr.isatty() and sys.stdout.isatty()


@contextmanager
def _display(
    job: AlexaJob, columns: list[ProgressColumn], make_listener: Callable[[Progress], Listener]
) -> Iterator[None]:
    runner = job.job.runner
    if runner is None:
        yield
        return
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(*columns, console=Console(stderr=True), transient=True)
    listener = make_listener(progress)
    with progress:
        runner.listeners.append(listener)
        try:
            yield
        finally:
            runner.listeners.remove(listener)


@contextmanager
def listing_progress(job: AlexaJob, what: str) -> Iterator[None]:
    """A spinner with the number of records listed so far (one update a page)."""
    if not _on_terminal(job):
        yield
        return
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [
        SpinnerColumn(),
        TextColumn(f"{what}: {{task.fields[n]:,}} records"),
        TimeElapsedColumn(),
    ]

    def listener_for(progress: Progress) -> Listener:
        task = progress.add_task(what, total=None, n=0)

        def seen(record: StepRecord) -> None:
            if record.kind == "request" and "items" in record.details:
                progress.update(task, n=int(record.details["items"]))

        return seen

    with _display(job, columns, listener_for):
        yield


@contextmanager
def audio_progress(job: AlexaJob, total: int) -> Iterator[None]:
    """A bar for audio downloads: count, megabytes, rate and time left."""
    if total == 0 or not _on_terminal(job):
        yield
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    columns = [
        TextColumn("downloading audio"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[mb]:.1f} MB, {task.fields[rate]:.2f} MB/s"),
        TimeRemainingColumn(),
    ]

    def listener_for(progress: Progress) -> Listener:
        task = progress.add_task("audio", total=total, mb=0.0, rate=0.0)
        started, saved = time.monotonic(), 0

        def seen(record: StepRecord) -> None:
            nonlocal saved
            if record.kind == "download" and record.outcome == "ok":
                saved += int(record.details.get("size", 0))
                mb = saved / 1e6
                rate = mb / max(time.monotonic() - started, 1e-3)
                progress.update(task, advance=1, mb=mb, rate=rate)

        return seen

    with _display(job, columns, listener_for):
        yield


@contextmanager
def deletion_progress(job: AlexaJob) -> Iterator[None]:
    """While a delete flow runs: the records its preflight lists (what the filters cover),
    then, once a destructive step has acted, a bar of how many of them are gone, from each
    read-back of the range."""
    if not _on_terminal(job):
        yield
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    columns = [
        TextColumn("{task.fields[phase]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]

    def listener_for(progress: Progress) -> Listener:
        task = progress.add_task("delete", total=None, phase="listing what to delete")
        state: dict[str, Any] = {"covered": 0, "acted": False}
        windows: dict[int, int] = {}  # records listed so far, by the step listing them

        def seen(record: StepRecord) -> None:
            items = record.details.get("items") if record.kind == "request" else None
            if record.destructive and record.outcome == "ok":
                state["acted"] = True
                progress.update(task, total=state["covered"], completed=0, phase="deleting")
            elif items is not None and not state["acted"]:
                windows[record.number] = int(items)  # windows listed side by side add up
                state["covered"] = sum(windows.values())
                progress.update(task, completed=state["covered"], phase="listing what to delete")
            elif items is not None and record.outcome == "ok":
                gone = max(state["covered"] - int(items), 0)
                progress.update(task, completed=gone, phase="deleted (read back)")

        return seen

    with _display(job, columns, listener_for):
        yield
