"""voicewipe as a process of its own, for the tests that kill it, or its browser, part-way, and
on a pseudo-terminal (Terminal), for what a person at the screen sees and types."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """The processes started under `pid` (its browser driver and browser), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _interruptible() -> None:
    """Ctrl-C as a person gives it, even where the suite runs with SIGINT ignored (a
    background job inherits that, and voicewipe keeps a signal it was started ignoring)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Voicewipe:
    """`python -m voicewipe ARGS` in the background, its stderr in a file."""

    def __init__(self, args: list[str], *, state: Path, log: Path, out: Path | None = None) -> None:
        env = {**os.environ, "XDG_STATE_HOME": str(state)}
        self.log = log
        with log.open("wb") as err, (out or Path(os.devnull)).open("wb") as stdout:
            # A session of its own, as a terminal's foreground job is a process group of
            # its own: a Ctrl-C (`interrupt`) reaches it and the browser driver it starts.
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "voicewipe", *args],
                env=env,
                stdout=stdout,
                stderr=err,
                start_new_session=True,
                preexec_fn=_interruptible,
            )
        self.helpers: list[int] = []

    def watch(self) -> None:
        """Note what it has started, so that none of it outlives the test."""
        self.helpers = sorted(set(self.helpers) | set(descendants(self.proc.pid)))

    def run_for(self, seconds: float) -> bool:
        """Let it run for `seconds` (watching what it starts), or until it ends first; True
        when it is still running."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc.poll() is None:
            self.watch()
            time.sleep(0.05)
        return self.proc.poll() is None

    def browsers(self) -> list[int]:
        self.watch()
        return [p for p in self.helpers if alive(p) and "chrom" in command_line(p)]

    @property
    def err(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def interrupt(self, signum: int, *, group: bool, timeout: float = 60) -> tuple[int, float]:
        """Send a signal (to the whole process group, as a terminal's Ctrl-C does; or to the
        process alone, as `kill` and `timeout` do); its exit code, and the seconds it took
        to end after the signal."""
        self.watch()
        sent = time.monotonic()
        if group:
            os.killpg(self.proc.pid, signum)
        else:
            os.kill(self.proc.pid, signum)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        took = time.monotonic() - sent
        self.watch()
        return (code if code is not None else self.end()), took

    def kill(self) -> int:
        os.kill(self.proc.pid, signal.SIGKILL)
        return self.end()

    def wait(self, timeout: float = 180) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.end()

    def end(self) -> int:
        """Kill it if it still runs, then make sure what it started goes too."""
        self.watch()
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in self.helpers) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in self.helpers:
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        return code


class Terminal:
    """A voicewipe process on a pseudo-terminal: what a person sees, and their keyboard."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self._primary, secondary = pty.openpty()
        self.process = subprocess.Popen(
            argv, stdin=secondary, stdout=secondary, stderr=secondary, env=env, close_fds=True
        )
        os.close(secondary)
        self.seen = ""

    def wait_for(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            assert time.monotonic() < deadline, f"never saw {text!r}:\n{self.seen[-3000:]}"
            self._read()

    def _read(self) -> bool:
        ready, _, _ = select.select([self._primary], [], [], 0.5)
        if not ready:
            return True
        try:
            data = os.read(self._primary, 65536)
        except OSError:  # the terminal closed: the process is done
            return False
        self.seen += data.decode("utf-8", "replace")
        return bool(data)

    def press_enter(self, text: str = "") -> None:
        os.write(self._primary, (text + "\n").encode())

    def finish(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read()
        while self._read() and self.process.poll() is None:
            pass
        return self.process.wait(timeout=5)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):
            os.close(self._primary)
