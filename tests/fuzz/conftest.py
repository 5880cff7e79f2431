"""Fixtures for the loader fuzz tests, and the line that says how many cases ran.

The main suite runs a few hundred cases. The full run, 10,000 cases (a few minutes):

    VOICEWIPE_FUZZ_EXAMPLES=10000 .venv/bin/pytest tests/fuzz -q

Hypothesis keeps no example database (no .hypothesis folder); a failure prints the case and
a `@reproduce_failure` blob to replay it.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fuzzflows import ALEXA, DATA_FILES, EXAMPLES, SHIPPED_FOLDERS, TALLY, Shipped, shipped

_started = time.monotonic()


@pytest.fixture(scope="session")
def shipped_flows() -> list[Shipped]:
    return shipped()


@pytest.fixture(scope="session")
def data_files() -> list[Shipped]:
    return shipped(DATA_FILES)


@pytest.fixture(scope="session")
def alexa_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A flows folder of its own, whose data files the data-file cases replace one at a time."""
    return Path(shutil.copytree(ALEXA, tmp_path_factory.mktemp("flows") / "alexa"))


@pytest.fixture(scope="session")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """A copy of each folder of shipped flows, so that a mutated flow written next to its
    siblings still finds the flows it calls (and the real ones are never touched)."""
    root = tmp_path_factory.mktemp("shipped")
    found = {}
    for index, folder in enumerate(SHIPPED_FOLDERS):
        found[folder] = Path(shutil.copytree(folder, root / f"{index}-{folder.name}"))
    return found


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the random cases are written, one file at a time."""
    return tmp_path_factory.mktemp("cases")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker: the tally goes to the controller, which prints the line for all the
    workers (tests/conftest.py)."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None and TALLY:
        output["loader_fuzz"] = {
            "tally": dict(TALLY),
            "examples": EXAMPLES,
            "seconds": time.monotonic() - _started,
        }


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    total = TALLY["loaded"] + TALLY["refused"]
    if not total:
        return
    terminalreporter.write_line(
        f"loader fuzz: {total} cases ({TALLY['loaded']} loaded, {TALLY['refused']} refused with "
        f"a located message), {TALLY['cli']} of them also through `voicewipe validate`; "
        f"VOICEWIPE_FUZZ_EXAMPLES={EXAMPLES}; {time.monotonic() - _started:.0f} s"
    )
