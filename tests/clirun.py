"""Running the command line inside a test: `run_cli(*args)` -> Result(code, out, err)."""

from __future__ import annotations

import contextlib
import io
import sys
import threading
from dataclasses import dataclass
from typing import Any

from loguru import logger

from voicewipe.cli import main


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, stdin: io.StringIO | None = None, timeout: float = 120) -> Result:
    """voicewipe.cli.main(args) in a thread of its own, with stdout and stderr captured.

    A thread because pytest-playwright's fixtures leave an event loop running in the main
    thread, where asyncio.run() refuses to start. main() sets its terminal log sink on
    sys.stderr as it finds it, so replacing sys.stderr here captures the log lines too.
    stdin is empty and not a terminal (a run under cron), even under `pytest -s`.
    """
    out, err = io.StringIO(), io.StringIO()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["code"] = main(list(args))
        except BaseException as error:  # pragma: no cover - shows up as a failed test
            box["error"] = error

    real_stdin, sys.stdin = sys.stdin, stdin or io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            thread = threading.Thread(target=target, name="voicewipe-cli")
            thread.start()
            thread.join(timeout=timeout)
            logger.remove()  # the sink main() added writes to `err`, which is going away
    finally:
        sys.stdin = real_stdin
    assert not thread.is_alive(), f"voicewipe did not finish within {timeout} s"
    if "error" in box:
        raise box["error"]
    return Result(int(box["code"]), out.getvalue(), err.getvalue())
