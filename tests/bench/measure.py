"""What the benchmark measures a run with: a process watched for memory, the site's view of
when the export's requests came, and the page actions a run did (from its run.json)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

# What a person could do on the page: a navigation, a click, typing, choosing. Reads (expect,
# extract), JSON requests and downloads by address are not page actions.
PAGE_ACTIONS = frozenset(
    {"goto", "click", "fill", "press", "select", "check", "uncheck", "hover", "scroll"}
)
MB = 1024 * 1024


@dataclass
class Watched:
    """A finished command: how long it took, its exit code and output, and its peak memory."""

    seconds: float
    code: int
    out: str
    err: str
    peak_mb: float  # the process itself: the kernel's high-water mark (VmHWM), not a sample
    driver_peak_mb: float  # Playwright's driver (node), sampled
    browser_peak_mb: float  # every Chromium process together (proportional set size), sampled
    cpu_seconds: float  # the process itself, user + system


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:  # noqa: PTH123
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class _Sampler:
    process: psutil.Process
    hwm_kb: int = 0
    driver: float = 0.0
    browser: float = 0.0
    cpu: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        tick = 0
        while not self.stop.is_set():
            self.hwm_kb = max(self.hwm_kb, _hwm_kb(self.process.pid))
            try:
                times = self.process.cpu_times()
                self.cpu = times.user + times.system
            except psutil.Error:
                pass
            if tick % 5 == 0:  # the browser's share of memory is costlier to read: 2 a second
                self._children()
            tick += 1
            self.stop.wait(0.1)

    def _children(self) -> None:
        driver = browser = 0.0
        try:
            children = self.process.children(recursive=True)
        except psutil.Error:
            return
        for child in children:
            try:
                name = child.name().lower()
                if "chrom" in name or "headless_shell" in name:
                    browser += child.memory_full_info().pss / MB
                elif "node" in name:
                    driver += child.memory_info().rss / MB
            except psutil.Error:
                continue
        self.driver, self.browser = max(self.driver, driver), max(self.browser, browser)


def watch(argv: list[str], env: MutableMapping[str, str], *, timeout: float) -> Watched:
    """Run a command, sampling its memory (and its children's) until it ends."""
    started = time.monotonic()
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = _Sampler(psutil.Process(process.pid))
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        sampler.stop.set()
        thread.join()
        if process.poll() is None:
            process.kill()
            process.wait()
    return Watched(
        seconds=time.monotonic() - started,
        code=process.returncode,
        out=out,
        err=err,
        peak_mb=sampler.hwm_kb / 1024,
        driver_peak_mb=sampler.driver,
        browser_peak_mb=sampler.browser,
        cpu_seconds=sampler.cpu,
    )


class Spans:
    """ASGI middleware around the mock site: when the first and the last request to the
    endpoints an export uses (records and audio) began and ended, as the site saw them."""

    PATHS = ("/alexa-privacy/apd/rvh/customer-history-records-v2", "/alexa-privacy/apd/rvh/audio")

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app
        self.first: float | None = None
        self.last: float | None = None

    def clear(self) -> None:
        self.first = self.last = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        counted = scope.get("type") == "http" and scope.get("path") in self.PATHS
        if counted and self.first is None:
            self.first = time.monotonic()
        await self.app(scope, receive, send)
        if counted:
            self.last = time.monotonic()

    @property
    def seconds(self) -> float | None:
        return None if self.first is None or self.last is None else self.last - self.first


def page_actions(run_folder: str | Path) -> int:
    """Page actions in a run's run.json (a failed attempt retried counts too: it was done)."""
    run = json.loads((Path(run_folder) / "run.json").read_text(encoding="utf-8"))
    return sum(1 for step in run["steps"] if step["kind"] in PAGE_ACTIONS)


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    pretty = "unknown"
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": pretty,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
