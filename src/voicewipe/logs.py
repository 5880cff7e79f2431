"""Logging: loguru sinks, configured only at the CLI entry point, all behind one redaction filter.

The terminal gets the lines a person reads: a command's phases and what each found (the
commands say those), warnings and errors. The engine's own account of a run (one line per
step, bound `detail=True`, and a flow's `log` steps, which a command's terminal display says
in its phase's words) shows there only with -v, or for `voicewipe run`, which has no phases.
On a terminal the lines go through one rich Console (SCREEN.console), so that they print
above a command's live display, never into it. The run folder gets the full log (rotated at
20 MB, one kept: whatever a loop does, a run's log holds at most 40 MB); the user's log
file (rotated at 5 MB, five kept) gets the info lines of every run, and the traceback of a bug
(an unexpected exception). Every sink is added through
add_sink(), which puts the redaction filter in front of it, so no secret value that voicewipe
knows about can be written by any of them.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from loguru import logger

from voicewipe.redact import redact

if TYPE_CHECKING:
    from loguru import Message, Record
    from rich.console import Console

TERMINAL_FORMAT = "<level>{message}</level>"
# Several accounts at once (--all-accounts): each line says whose it is.
_ACCOUNT_FORMAT = "<level>{extra[account]}: {message}</level>"


def _terminal_format(record: Record) -> str:
    chosen = _ACCOUNT_FORMAT if "account" in record["extra"] else TERMINAL_FORMAT
    return chosen + "\n{exception}"


FILE_FORMAT = "{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <7} | {message}"
# A run folder's log: at this size it is renamed to voicewipe.log.1 (the one before goes) and
# begun again, so that a loop gone wrong cannot fill the disk (one logged 616 MB).
RUN_LOG_BYTES = 20 * 1024 * 1024


def _redacting_filter(record: Record) -> bool:
    record["message"] = redact(record["message"])
    if record["exception"] is not None:
        # Tracebacks are formatted later from the exception; scrub the value it carries.
        exc_type, exc_value, exc_tb = record["exception"]
        if exc_value is not None and exc_value.args:
            exc_value.args = tuple(redact(str(a)) for a in exc_value.args)
            record["exception"] = type(record["exception"])(exc_type, exc_value, exc_tb)
    return True


class _LogFile:
    """A log file that outlives its disk. Loguru's own file sink prints a traceback to the
    terminal for every line it cannot write (a full disk); this one says so once, in one
    line, and stops, while the run goes on to fail or finish on its own terms."""

    def __init__(self, path: Path, encoding: str, cap: int = RUN_LOG_BYTES) -> None:
        self.path = path
        self.encoding = encoding
        self.cap = cap
        self._file = path.open("a", encoding=encoding)
        self._size = self._file.tell()
        self._broken = False

    def write(self, message: str) -> None:
        if self._broken:
            return
        try:
            self._size += len(message.encode(self.encoding, "replace"))
            if self._size > self.cap:
                self._rotate()
                self._size = len(message.encode(self.encoding, "replace"))
            self._file.write(message)
            self._file.flush()  # a crash keeps every line written so far
        except OSError as error:
            self._broken = True
            print(
                f"voicewipe: the log file {self.path} stops here: {error.strerror}",
                file=sys.stderr,
            )

    def _rotate(self) -> None:
        """The log so far to <name>.1 (the one before it goes), and a new one begun."""
        self._file.close()
        self.path.replace(self.path.with_name(self.path.name + ".1"))
        self._file = self.path.open("a", encoding=self.encoding)
        self._file.write(
            f"(this log reached {self.cap:,} bytes: the lines before these are in "
            f"{self.path.name}.1, and any before those are gone)\n"
        )

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()


def add_sink(sink: Any, *, level: str, fmt: str | Callable[[Record], str], **options: Any) -> int:
    """Add a loguru sink behind the redaction filter; returns its id for logger.remove().

    A file without loguru's rotation (a run folder's log) is written by _LogFile, which
    rotates it at `cap` bytes (RUN_LOG_BYTES unless given)."""
    if isinstance(sink, str | Path) and "rotation" not in options:
        cap = options.pop("cap", RUN_LOG_BYTES)
        sink = _LogFile(Path(sink), options.pop("encoding", "utf-8"), cap)
    shown = options.pop("filter", None)

    def passes(record: Record) -> bool:
        # Redacted first, whatever the sink's own filter then lets through.
        return _redacting_filter(record) and (shown is None or bool(shown(record)))

    return logger.add(sink, level=level, format=fmt, filter=passes, **options)


@dataclass
class _Screen:
    """The terminal the log lines go to, when stderr is one: its rich Console, which a live
    display must share (a line printed past it would land inside the display)."""

    console: Console | None = None


SCREEN = _Screen()
# The module of a flow's `log` steps: said by a command's display, in its phase's words.
_LOG_STEPS = "voicewipe.steps.log"
_STYLES = MappingProxyType(
    {"WARNING": "yellow", "ERROR": "bold red", "CRITICAL": "bold red", "DEBUG": "dim"}
)


def for_a_person(record: Record) -> bool:
    """Whether a line is for the person at the terminal (not the engine's account of its
    steps): warnings and errors always are."""
    if record["level"].no >= logger.level("WARNING").no:
        return True
    return not record["extra"].get("detail") and record["name"] != _LOG_STEPS


def _console_sink(console: Console) -> Any:
    from rich.text import Text

    def write(message: Message) -> None:
        level = message.record["level"].name
        # soft_wrap: a long line is the terminal's to wrap, and is copied whole.
        text = Text(str(message).rstrip("\n"), style=_STYLES.get(level, ""))
        console.print(text, soft_wrap=True)

    return write


def setup_terminal_logging(*, verbose: bool, steps: bool = True) -> None:
    """The terminal, and the user's rotating log file (what cron runs leave behind).
    `steps`: the step lines show on the terminal (a command without phases); with `verbose`
    they always do, and the debug lines too."""
    logger.remove()
    level = "DEBUG" if verbose else "INFO"
    shown = {"filter": for_a_person} if not (verbose or steps) else {}
    SCREEN.console = None
    if sys.stderr.isatty():
        from rich.console import Console

        SCREEN.console = Console(stderr=True, highlight=False)
        add_sink(_console_sink(SCREEN.console), level=level, fmt=_terminal_format, **shown)
    else:
        add_sink(sys.stderr, level=level, fmt=_terminal_format, colorize=None, **shown)
    try:
        add_sink(
            user_log_file(),
            level="INFO",
            fmt=FILE_FORMAT,
            rotation="5 MB",
            retention=5,
            encoding="utf-8",
        )
    except OSError as error:  # a read-only home: the run folder still has the full log
        logger.debug(f"no user log file: {error}")


def user_log_file() -> Path:
    import platformdirs

    folder = Path(platformdirs.user_log_dir("voicewipe", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "voicewipe.log"


def log_bug(error: BaseException) -> Path:
    """Write an unexpected exception's traceback to the user's log file and say where."""
    path = user_log_file()
    text = "".join(traceback.format_exception(error))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as out:
        out.write(f"{stamp} internal error\n{redact(text)}\n")
    logger.opt(exception=error).debug("internal error")
    return path
