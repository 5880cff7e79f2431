"""Which browser to drive, and how to start it.

Playwright's own Chromium is the first choice where `playwright install chromium` could fetch
it. Where it could not (no access to its download host), a system Chromium or Chrome works as
well through executable_path. --browser-path and VOICEWIPE_BROWSER override both.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from voicewipe.errors import BrowserNotFound

ENV_VAR = "VOICEWIPE_BROWSER"

_SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_SYSTEM_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)

INSTALL_HINT = (
    "no browser found: run 'playwright install chromium' in voicewipe's environment, or install "
    "Chromium or Chrome (Debian/Ubuntu: 'sudo apt-get install chromium'), or point "
    f"--browser-path or {ENV_VAR} at a Chromium-based browser"
)


@dataclass(frozen=True)
class BrowserChoice:
    """The browser to launch: an executable, and where the choice came from."""

    executable: Path
    source: str  # "--browser-path", ENV_VAR, "playwright", "system"

    @property
    def is_playwright_own(self) -> bool:
        return self.source == "playwright"


def find_browser(
    *,
    bundled: str | None,
    explicit: str | None = None,
    env: Mapping[str, str] | None = None,
) -> BrowserChoice:
    """Pick the browser: explicit option, then the variable, then Playwright's, then the system's.

    `bundled` is Playwright's idea of its own Chromium (BrowserType.executable_path), which
    exists only once `playwright install chromium` has run.
    """
    env = os.environ if env is None else env
    for value, source in ((explicit, "--browser-path"), (env.get(ENV_VAR), ENV_VAR)):
        if value:
            path = Path(value).expanduser()
            if not path.is_file() or not os.access(path, os.X_OK):
                raise BrowserNotFound(f"{source} names {value}, which is not an executable file")
            return BrowserChoice(path, source)
    if bundled and Path(bundled).is_file():
        return BrowserChoice(Path(bundled), "playwright")
    for name in _SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return BrowserChoice(Path(found), "system")
    for candidate in _SYSTEM_PATHS:
        if Path(candidate).is_file():
            return BrowserChoice(Path(candidate), "system")
    raise BrowserNotFound(INSTALL_HINT)


def launch_options(
    choice: BrowserChoice, *, headless: bool, slowmo_ms: float = 0
) -> dict[str, object]:
    """Keyword arguments for BrowserType.launch()."""
    args = [
        # A closed network makes Chromium's own background traffic fail noisily and slowly.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-default-apps",
    ]
    options: dict[str, object] = {
        "headless": headless,
        "args": args,
        "slow_mo": slowmo_ms,
        # A Ctrl-C reaches the browser's driver too (one process group): left to itself it
        # would close the browser under the run's feet. voicewipe stops the run, then closes
        # the browser itself (voicewipe.signals).
        "handle_sigint": False,
        "handle_sigterm": False,
        "handle_sighup": False,
    }
    if not choice.is_playwright_own:
        options["executable_path"] = str(choice.executable)
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root (containers, CI machines).
        options["chromium_sandbox"] = False
    return options
