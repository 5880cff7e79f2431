"""Fixtures for the Alexa commands, end to end: a real mock site on 127.0.0.1, the real CLI in
a real headless Chromium, and the outcome read where it happens (the mock's /__mock__/state,
the export on disk, the run folder).

    def test_x(mock, vw):
        mock.reset(recordings=40)
        result = vw("wipe", "--yes")            # --site <mock> --out <tmp> added
        assert mock.state()["recordings"] == 0
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clirun import Result, run_cli
from voicewipe.alexa import sitefiles
from voicewipe.mock import MockConfig, MockSite

ACCOUNT = "demo@example.com"


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockSite]:
    with MockSite(MockConfig(recordings=40)) as site:
        yield site


@pytest.fixture
def mock(mock_server: MockSite) -> MockSite:
    """The shared mock site, fresh for this test: 40 recordings, no faults, en-US."""
    mock_server.reset(MockConfig(recordings=40))
    return mock_server


@pytest.fixture(autouse=True)
def _own_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved sign-ins and logs go to this test's folder, never the user's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("VOICEWIPE_FLOWS", raising=False)
    for name in ("PASSWORD", "TOTP_SECRET"):
        monkeypatch.delenv(f"VOICEWIPE_SECRET_{name}", raising=False)


@pytest.fixture
def impatient_signin(tmp_path: Path) -> Path:
    """A mended copy of the shipped flows (--flows) whose sign-in gives a page 2 s, not 20, to
    show something it knows: a test of a page it does not know need not wait out the 20 s the
    real site's slow pages are given. Only the number changes, so the logic under test is the
    shipped flow's."""
    folder = tmp_path / "impatient-flows"
    shutil.copytree(sitefiles.PACKAGED, folder)
    flow = folder / "sign-in.yaml"
    text = flow.read_text(encoding="utf-8")
    known = (
        "- label: A sign-in page this flow knows?\n              when:\n                wait: 20s\n"
    )
    assert known in text, "sign-in.yaml no longer waits 20 s for a page it knows"
    flow.write_text(text.replace(known, known.replace("20s", "2s")), encoding="utf-8")
    return folder


@dataclass
class Outcome:
    """A finished command: its Result, plus where it left its files."""

    result: Result
    out: Path

    @property
    def code(self) -> int:
        return self.result.code

    @property
    def summary(self) -> dict[str, Any]:
        """The --json summary (the command must have been given --json)."""
        return dict(json.loads(self.result.out))

    @property
    def run_folders(self) -> list[Path]:
        return sorted((self.out / "runs").iterdir())

    @property
    def run_json(self) -> dict[str, Any]:
        return dict(json.loads((self.run_folders[-1] / "run.json").read_text(encoding="utf-8")))

    def archive(self, marketplace: str = "amazon.com", account: str = ACCOUNT) -> Path:
        return self.out / marketplace / account

    def records(self, marketplace: str = "amazon.com") -> list[dict[str, Any]]:
        path = self.archive(marketplace) / "voice-history.jsonl"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    def manifest(self, marketplace: str = "amazon.com") -> dict[str, Any]:
        path = self.archive(marketplace) / "manifest.json"
        return dict(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def vw(mock: MockSite, out: Path) -> Callable[..., Outcome]:
    """`vw(command, *args)`: voicewipe COMMAND --site <mock> --out <tmp> ARGS (`into`: another
    output folder than the test's own)."""

    def run(
        command: str,
        *args: str,
        site: bool = True,
        timeout: float = 180,
        into: Path | None = None,
    ) -> Outcome:
        folder = into or out
        argv = [command, "--out", str(folder), *args]
        if site:
            argv += ["--site", mock.url]
        return Outcome(run_cli(*argv, timeout=timeout), folder)

    return run


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str, str], Path]]:
    """mount(name, options): a real tmpfs of its own (read-only, or a few kilobytes that
    fill up), so that the errors are the kernel's own. Mounting needs root."""
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a tmpfs needs root")
        path = tmp_path / name
        path.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "voicewipe-test", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(path)
        return path

    yield mount
    for path in mounted:
        subprocess.run(["umount", "--lazy", str(path)], check=False)
