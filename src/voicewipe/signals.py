"""The signals that end a run: Ctrl-C (SIGINT), SIGTERM (`systemctl stop`, `timeout`) and
SIGHUP (the terminal closed).

Each cancels the command's main task at once, wherever it is, and is remembered in `Stop`,
which the runner reads before every step: a cancellation that some await swallowed (a loop of
optional steps, a retry, a wait) still ends the run at its next step. The run then closes its
browser and writes run.json, report.html and its summary as any run does, with the outcome
`interrupted` and the exit code a shell gives the signal (128 + its number).

What asyncio would print on the way out (a Playwright future rejected as the browser closed:
"Future exception was never retrieved", "Task was destroyed but it is pending") goes to the
run's log, not the terminal: a stopped run says one line, and only one.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from loguru import logger

from voicewipe.errors import ExitCode

_T = TypeVar("_T")

# What each signal is called in the messages, and its exit code (128 + its number).
SIGNALS = (
    (signal.SIGINT, "Ctrl-C (SIGINT)", ExitCode.INTERRUPTED),
    (signal.SIGTERM, "SIGTERM", ExitCode.TERMINATED),
    (signal.SIGHUP, "SIGHUP", ExitCode.HUNG_UP),
)


class Ended(KeyboardInterrupt):
    """SIGTERM or SIGHUP before a run took the signals over: a KeyboardInterrupt, so that no
    `except Exception` on the way (an import's fallback) takes it for an error and goes on."""

    def __init__(self, words: str, code: ExitCode) -> None:
        super().__init__(words)
        self.words, self.code = words, code


@dataclass
class Stop:
    """Whether a signal has asked the run to stop; one per command, shared with its runner
    (RunOptions.stop)."""

    signum: int | None = None
    at: float | None = None  # time.monotonic() of the first signal
    task: asyncio.Task[Any] | None = None  # the command's main task

    @property
    def requested(self) -> bool:
        return self.signum is not None

    @property
    def name(self) -> str:
        return next((words for s, words, _ in SIGNALS if s == self.signum), "a signal")

    @property
    def exit_code(self) -> ExitCode:
        return next((code for s, _, code in SIGNALS if s == self.signum), ExitCode.INTERRUPTED)

    def request(self, signum: int) -> None:
        """The signal's handler: the first signal is the one reported; each cancels."""
        if self.signum is None:
            self.signum, self.at = signum, time.monotonic()
        logger.debug(f"signal {signal.Signals(signum).name}: stopping the run")
        if self.task is not None and not self.task.done():
            self.task.cancel()


def from_the_start() -> None:
    """From the command's first line until a run takes over (before_the_run): SIGTERM and
    SIGHUP end it as Ctrl-C does, with one line and their own exit code, not silently."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum, words, code in SIGNALS[1:]:
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue

        def stop(number: int, frame: object, words: str = words, code: ExitCode = code) -> None:
            raise Ended(words, code)

        signal.signal(signum, stop)


def before_the_run(stop: Stop) -> None:
    """Until a run's loop takes the signals over (the options checked, the export folder
    opened): a signal is noted in `stop`, and the run ends as soon as its loop begins, with
    its run folder and its one line. Raising there and then could break off anything, the
    loop's own set-up included; a second signal does, for a step that hangs."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum, _, _ in SIGNALS:
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue

        def noted(number: int, frame: object) -> None:
            if stop.requested:
                raise KeyboardInterrupt
            stop.request(number)

        signal.signal(signum, noted)


def run(main: Coroutine[Any, Any, _T], stop: Stop) -> _T:
    """asyncio.run(main), ended by SIGINT, SIGTERM or SIGHUP through `stop`: the main task
    is cancelled (CancelledError is raised here once it has cleaned up)."""
    with asyncio.Runner() as runner:
        loop = runner.get_loop()
        loop.set_exception_handler(_to_the_log)
        installed = _install(loop, stop)
        try:
            return runner.run(_tracked(main, stop))
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)
            # A signal from here on, while the summary is said, is noted, not obeyed at once:
            # the run has ended, and what it did is worth its last lines.
            before_the_run(stop)


async def _tracked(main: Coroutine[Any, Any, _T], stop: Stop) -> _T:
    stop.task = asyncio.current_task()
    if stop.requested and stop.task is not None:  # a signal before the loop began
        stop.task.cancel()  # at its first await: the job records it like any other stop
    return await main


def _install(loop: asyncio.AbstractEventLoop, stop: Stop) -> list[int]:
    """The handlers, where a process can have them (the main thread; a test runs the command
    line in a thread of its own). A signal the process was started ignoring stays ignored:
    `nohup` ignores SIGHUP, and a shell's background job SIGINT, on purpose."""
    if threading.current_thread() is not threading.main_thread():
        return []
    installed: list[int] = []
    for signum, _, _ in SIGNALS:
        if signal.getsignal(signum) is signal.SIG_IGN:
            continue
        loop.add_signal_handler(signum, stop.request, signum)
        installed.append(signum)
    return installed


async def in_daemon_thread(function: Callable[..., _T], *args: Any) -> _T:
    """function(*args) in a thread of its own that the process does not wait for at exit:
    a read from the terminal (a prompt, Enter to go on) blocks until a line comes, and a
    run stopped meanwhile must not wait for one (asyncio.to_thread's threads are waited for)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[_T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not done.done():
            outcome()

    def work() -> None:
        try:
            value = function(*args)
        except BaseException as error:  # handed to the awaiting task, whatever it is
            caught = error
            loop.call_soon_threadsafe(settle, lambda: done.set_exception(caught))
            return
        loop.call_soon_threadsafe(settle, lambda: done.set_result(value))

    threading.Thread(target=work, name="voicewipe-terminal", daemon=True).start()
    return await done


def _to_the_log(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's complaints (an exception nobody retrieved, a task destroyed while pending)
    into the log file, with their traceback: never a traceback on the terminal."""
    error = context.get("exception")
    logger.opt(exception=error).debug(f"asyncio: {context.get('message')}")


__all__ = [
    "SIGNALS",
    "Ended",
    "Stop",
    "before_the_run",
    "from_the_start",
    "in_daemon_thread",
    "run",
]
