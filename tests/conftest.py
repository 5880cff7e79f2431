"""Shared test fixtures: the browser that pytest-playwright launches is voicewipe's choice; each
test's tier (a marker) from its folder; and what running on several workers side by side
(pytest-xdist, as scripts/test does) needs.

Tiers (pyproject.toml registers them; `-m unit`, `-m "not reliability"`, ...):

    unit         no browser, no server          tests/fuzz, and the tests that say so
    engine       a real browser or HTTP client  tests/engine, tests/mock
                 against local pages/servers
    e2e          the commands end to end        tests/alexa, tests/bench, tests/capture
                 against the mock site
    reliability  the long fault cases           only in scripts/reliability

A test whose tier differs from its folder's says so with its own marker (a whole file with
`pytestmark`); every test has exactly one.

Several workers (scripts/test: pytest-xdist, `--dist loadfile`): each has its own session, so
the session-scoped servers (the mock site, the engine's pages and API) are one per worker,
each on a free port of 127.0.0.1, and a file's tests run on one worker, one after another:
those that share a session-scoped cache (the engine's `runs`), a module's Xvfb display, or
scripts/voicewipe's set-up never meet a copy of themselves on another worker. Every test has
a state folder (XDG_STATE_HOME: saved sign-ins, the user log, locks) of its own. The keyring is
one Secret Service for all workers: tests use accounts of their own, and the one key every
saved sign-in is encrypted with is made before the workers start (two workers making it at
once would leave one of them with a key that is no longer the keyring's).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from voicewipe.browser import find_browser, launch_options

HERE = Path(__file__).resolve().parent
TIERS = ("unit", "engine", "e2e", "reliability")
FOLDER_TIERS = {
    "fuzz": "unit",
    "engine": "engine",
    "mock": "engine",
    "alexa": "e2e",
    "bench": "e2e",
    "capture": "e2e",
}
# scripts/reliability runs these files whole: a `reliability` test anywhere else would run
# nowhere.
RELIABILITY_FILES = (
    "alexa/test_all_accounts.py",
    "alexa/test_faults.py",
    "alexa/test_property.py",
    "alexa/test_site_2026.py",
    "alexa/test_signin_2026.py",
    "bench/test_bench.py",
    "capture/test_canary_variants.py",
    "capture/test_diff_more.py",
    "fuzz/",
    "test_install.py",
)


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Any
) -> dict[str, Any]:
    # pytest-playwright launches Playwright's own Chromium; where that could not be
    # downloaded we fall back to the system's, exactly as voicewipe itself does.
    choice = find_browser(bundled=playwright.chromium.executable_path)
    options = launch_options(choice, headless=browser_type_launch_args.get("headless", True))
    options.pop("slow_mo")
    return {**browser_type_launch_args, **options}


@pytest.fixture(autouse=True)
def _state_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved sign-ins, locks and the user log go to this test's folder: never the user's, and
    never a folder a test on another worker writes at the same moment."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


# --- tiers ---------------------------------------------------------------------------------
def _where(item: pytest.Item) -> str:
    return Path(item.path).resolve().relative_to(HERE).as_posix()


@pytest.hookimpl(tryfirst=True)  # before -m deselects by them
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = _where(item)
        tiers = {mark.name for mark in item.iter_markers() if mark.name in TIERS}
        if not tiers:
            tier = FOLDER_TIERS.get(where.split("/")[0])
            if tier is None:
                raise pytest.UsageError(
                    f"{item.nodeid}: no tier; mark it ({', '.join(TIERS)}) or give its folder "
                    "one in tests/conftest.py"
                )
            item.add_marker(getattr(pytest.mark, tier))
        elif len(tiers) > 1:
            raise pytest.UsageError(f"{item.nodeid}: more than one tier ({sorted(tiers)})")
        elif tiers == {"reliability"} and not where.startswith(RELIABILITY_FILES):
            raise pytest.UsageError(
                f"{item.nodeid}: scripts/reliability runs only {', '.join(RELIABILITY_FILES)}"
            )


# --- several workers -------------------------------------------------------------------------
def _has_workers(config: pytest.Config) -> bool:
    """This process is the controller of xdist workers."""
    return not hasattr(config, "workerinput") and bool(config.getoption("numprocesses", None))


def pytest_sessionstart(session: pytest.Session) -> None:
    if _has_workers(session.config):
        from voicewipe import credentials

        with contextlib.suppress(Exception):  # no keyring here: those tests say so themselves
            credentials.session_key()


_FUZZ: Counter[str] = Counter()  # the loader fuzz tally of every worker (tests/fuzz/conftest.py)
_FUZZ_SECONDS: list[float] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    fuzz = getattr(node, "workeroutput", {}).get("loader_fuzz")
    if fuzz:
        _FUZZ.update(fuzz["tally"])
        _FUZZ_SECONDS.append(fuzz["seconds"])
        _FUZZ["examples"] = fuzz["examples"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    total = _FUZZ["loaded"] + _FUZZ["refused"]
    if total:
        terminalreporter.write_line(
            f"loader fuzz: {total} cases ({_FUZZ['loaded']} loaded, {_FUZZ['refused']} refused "
            f"with a located message), {_FUZZ['cli']} of them also through `voicewipe "
            f"validate`; VOICEWIPE_FUZZ_EXAMPLES={_FUZZ['examples']}; "
            f"{max(_FUZZ_SECONDS):.0f} s on {len(_FUZZ_SECONDS)} workers"
        )
