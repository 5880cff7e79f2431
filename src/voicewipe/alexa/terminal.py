"""What a person sees of an Alexa command while it runs: a few lines per phase, not per step.

    terminal = Terminal(console)            # logs.SCREEN.console, or None off a terminal
    with terminal.showing():                # the whole run
        with terminal.phase(Listing("listing voice")):
            ...

The command announces its phases (alexa/progress.py counts what happens in each from the
runner's events); what each found is said by the command itself in log lines. On a terminal
one live display (rich) stands below those lines for the whole run: the phases under way, each
with its count, bar and time. It shares the Console that the log lines are printed through, so
they print above it, never into it, and it stands aside while a step asks the person something
(a prompt, the consent question, a pause for the browser, a failed step to put right). Off a
terminal (cron, a pipe) there is no display: a long phase says how far it has got in a plain
line, at most every EVERY_S seconds or at each quarter done, never one a record.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from loguru import logger

from voicewipe.alexa.progress import Phase

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live
    from rich.spinner import Spinner

    from voicewipe.runner.context import StepRecord
    from voicewipe.runner.runner import Runner

# Off a terminal: a phase's progress line comes no sooner than LEAST_S after its last one, and
# then at a quarter done, or when EVERY_S have passed.
LEAST_S = 10.0
EVERY_S = 30.0
# Steps that talk to the person at the terminal: the display stands aside while they run.
_ASKING = frozenset({"prompt", "consent", "pause"})
_P = TypeVar("_P", bound=Phase)


class Terminal:
    def __init__(
        self, console: Console | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.console = console  # None: plain lines (no terminal, or nobody watching)
        self.clock = clock  # what the plain lines are paced by
        self.phases: list[Phase] = []  # under way, in the order they began
        self._said: dict[int, tuple[float, float]] = {}  # a phase's last line: when, how far
        self._live: Live | None = None
        self._asking: set[int] = set()  # the steps asking the person now
        self._failed = False  # a step has just failed
        self._spinners: dict[int, Spinner] = {}

    # --- the command's side ---------------------------------------------------------------
    def listen(self, runner: Runner | None) -> None:
        if runner is not None and self.seen not in runner.listeners:
            runner.listeners.append(self.seen)

    def begin(self, phase: _P) -> _P:
        self.phases.append(phase)
        self._said[id(phase)] = (self.clock(), 0.0)
        logger.debug(f"phase: {phase.title}")
        return phase

    def end(self, phase: Phase) -> None:
        with contextlib.suppress(ValueError):
            self.phases.remove(phase)
        self._said.pop(id(phase), None)
        self._spinners.pop(id(phase), None)

    @contextlib.contextmanager
    def phase(self, phase: _P) -> Iterator[_P]:
        self.begin(phase)
        try:
            yield phase
        finally:
            self.end(phase)

    @contextlib.contextmanager
    def showing(self) -> Iterator[None]:
        """The live display for the whole run (on a terminal); gone, and the terminal as it
        was, when the block ends, before the summary is printed."""
        if self.console is None:
            yield
            return
        from rich.live import Live

        self._live = Live(
            console=self.console,
            get_renderable=self._render,
            refresh_per_second=8,
            transient=True,
            redirect_stdout=False,  # stdout is the summary's (and --json's)
        )
        self._live.start()
        try:
            yield
        finally:
            live, self._live = self._live, None
            with contextlib.suppress(OSError):  # the terminal closed under us (SIGHUP)
                live.stop()

    # --- the runner's side ----------------------------------------------------------------
    def seen(self, record: StepRecord) -> None:
        """Each runner event: the display stands aside for a step that asks, and every phase
        under way counts what the step did."""
        self._stand_aside(record)
        if record.kind == "log" and record.outcome == "ok" and self.phases:
            logger.info(f"{self.phases[-1].title}: {record.details.get('text', '')}")
        for phase in list(self.phases):
            line = phase.seen(record)
            if line is not None:
                logger.info(line)
                self._said[id(phase)] = (self.clock(), phase.share or 0.0)
            elif self.console is None:
                self._progress_line(phase)

    def _stand_aside(self, record: StepRecord) -> None:
        """No display while a step asks the person (until it ends), nor after a failure (until
        the next step begins: a person may be asked to put the page right, or the run ends)."""
        if record.outcome == "running" and record.kind in _ASKING:
            self._asking.add(record.number)
        elif record.outcome == "failed":
            self._failed = True
        elif record.outcome == "running":
            self._failed = False
        else:
            self._asking.discard(record.number)
        live = self._live
        if live is None:
            return
        aside = bool(self._asking) or self._failed
        with contextlib.suppress(OSError):
            if aside and live.is_started:
                live.stop()
            elif not aside and not live.is_started:
                live.start()

    def _progress_line(self, phase: Phase) -> None:
        """Off a terminal: how far a long phase has got, now and then."""
        when, share = self._said.get(id(phase), (self.clock(), 0.0))
        now, reached = self.clock(), phase.share
        if due(now - when, share, reached):
            logger.info(phase.status())
            self._said[id(phase)] = (now, reached or 0.0)

    def _render(self) -> RenderableType:
        from rich.progress_bar import ProgressBar
        from rich.spinner import Spinner
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))
        for phase in list(self.phases):
            took = int(time.monotonic() - phase.started)
            bar = ProgressBar(total=phase.total, completed=phase.done, width=24)
            grid.add_row(
                self._spinners.setdefault(id(phase), Spinner("dots")),
                phase.status(),
                bar if phase.total else "",
                f"{took // 60}:{took % 60:02d}",
            )
        return grid


def due(since_s: float, said: float, reached: float | None) -> bool:
    """Whether a plain line is due: `since_s` after the phase's last line (or its start),
    which said it was `said` done (0 to 1), now that it is `reached` done (None: no total)."""
    if since_s < LEAST_S or reached == 1.0:
        return False  # the command says the end itself
    quarter = reached is not None and int(reached * 4) > int(said * 4)
    return quarter or since_s >= EVERY_S


__all__ = ["Terminal", "due"]
