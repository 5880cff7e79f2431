"""The run folder: recordings/runs/<UTC time>-<flow name>/ with screenshots, run.json and logs.

Names are predictable (NNN-<step label>.png, run.json, voicewipe.log, trace.zip) so that a
person, a script or the report can find things without reading code.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.async_api import CDPSession, Locator, Page
from playwright.async_api import Error as PlaywrightError

from voicewipe.fsutil import sha256_bytes, slug, write_atomic, write_json_atomic


@dataclass(frozen=True)
class Shot:
    name: str  # file name inside the run folder
    sha256: str


class RunFolder:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, out_dir: Path, flow_name: str, now: datetime | None = None) -> RunFolder:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        base = out_dir / "runs" / f"{stamp}-{slug(flow_name, 60)}"
        path, n = base, 1
        while True:
            try:
                path.mkdir(parents=True)
                break
            except FileExistsError:
                n += 1
                path = base.with_name(f"{base.name}-{n}")
        return cls(path)

    def _shot_name(self, number: int, label: str) -> str:
        return f"{number:03d}-{slug(label)}.png"

    async def screenshot(self, page: Page, number: int, label: str, masks: list[Locator]) -> Shot:
        data = await capture(page, masks)
        name = self._shot_name(number, label)
        write_atomic(self.path / name, data)
        return Shot(name, sha256_bytes(data))

    def reuse(self, previous: Shot, number: int, label: str) -> Shot:
        """The previous screenshot under this step's name: a hard link, or a copy."""
        name = self._shot_name(number, label)
        target = self.path / name
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        try:
            os.link(self.path / previous.name, target)
        except OSError:
            write_atomic(target, (self.path / previous.name).read_bytes())
        return Shot(name, previous.sha256)

    def write_json(self, name: str, value: Any) -> Path:
        path = self.path / name
        write_json_atomic(path, value)
        return path

    @property
    def log_file(self) -> Path:
        return self.path / "voicewipe.log"

    @property
    def trace_file(self) -> Path:
        return self.path / "trace.zip"


_sessions: weakref.WeakKeyDictionary[Page, CDPSession] = weakref.WeakKeyDictionary()


async def capture(page: Page, masks: list[Locator]) -> bytes:
    """The page as it shows, as PNG. When something on it is to be hidden (a field a secret
    was typed into; with --mask-personal, personal data), Playwright's screenshot, which paints
    over it. When nothing is, Chromium's own capture, straight: about half the time, since
    there is no mask, caret or animation to prepare (a run takes one picture per action)."""
    try:
        hide = bool(masks) and await functools.reduce(Locator.or_, masks).count() > 0
    except PlaywrightError:
        hide = bool(masks)  # not known: hide what may be there
    if not hide:
        try:
            if page not in _sessions:
                _sessions[page] = await page.context.new_cdp_session(page)
            answer = await _sessions[page].send(
                "Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True}
            )
            return base64.b64decode(answer["data"])
        except PlaywrightError:
            pass  # not Chromium, or the page is going: Playwright's way
    return await page.screenshot(mask=masks, mask_color="#222", animations="disabled")
