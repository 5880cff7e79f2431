"""Progress for long work, on the terminal only: the audio downloads of an export (count,
bytes, rate, time left). When stderr is not a terminal (cron, a pipe, a test) there is no
display at all: the log lines say the same in words."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicewipe.alexa.job import AlexaJob
    from voicewipe.runner.context import StepRecord


@contextmanager
def audio_progress(job: AlexaJob, total: int) -> Iterator[None]:
    runner = job.job.runner
    if total == 0 or runner is None or not sys.stderr.isatty():
        yield
        return
    import time

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("downloading audio"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[mb]:.1f} MB, {task.fields[rate]:.2f} MB/s"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("audio", total=total, mb=0.0, rate=0.0)
    started, saved = time.monotonic(), 0

    def seen(record: StepRecord) -> None:
        nonlocal saved
        if record.kind == "download" and record.outcome == "ok":
            saved += int(record.details.get("size", 0))
            mb = saved / 1e6
            progress.update(task, advance=1, mb=mb, rate=mb / max(time.monotonic() - started, 1e-3))

    with progress:
        runner.listeners.append(seen)
        try:
            yield
        finally:
            runner.listeners.remove(seen)
