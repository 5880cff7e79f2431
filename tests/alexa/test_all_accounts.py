"""--all-accounts: the accounts of the accounts file side by side in one browser, against a
mock site serving three accounts. Each account's outcome is read where it happens: the mock's
state for that account, its own export folder and run folder on disk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clirun import Result, run_cli
from voicewipe.alexa.lock import account_lock
from voicewipe.mock import MockConfig, MockSite

ACCOUNTS = ("demo@example.com", "demo2@example.com", "demo3@example.com")


@pytest.fixture
def household() -> Iterator[MockSite]:
    # Small histories and no screenshots: three accounts' wipes share two cores here.
    config = MockConfig(recordings=10, detected_sounds=0, smart_home_events=2, accounts=3)
    with MockSite(config.replace(deletion_delay_s=0.3)) as site:
        yield site


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An accounts file of the mock's three accounts (VOICEWIPE_ACCOUNTS)."""
    path = tmp_path / "accounts.yaml"
    monkeypatch.setenv("VOICEWIPE_ACCOUNTS", str(path))
    for email in ACCOUNTS:
        added = run_cli("accounts", "add", email, "--keep", "18-months")
        assert added.code == 0, added.err
    return path


def _wipe(site: MockSite, out: Path, *more: str) -> tuple[Result, list[dict[str, Any]]]:
    done = run_cli(
        "wipe", "--all-accounts", "--yes", "--json", "--site", site.url, "--out", str(out),
        "--no-screenshots", *more, timeout=300,
    )  # fmt: skip
    return done, json.loads(done.out) if done.out.strip() else []


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_three_accounts_are_wiped_side_by_side(
    household: MockSite, book: Path, tmp_path: Path
) -> None:
    before = {email: household.state(account=email) for email in ACCOUNTS}
    keys = {e: set(household.account_site(e).keys("voice")["present"]) for e in ACCOUNTS}
    assert len(set.union(*keys.values())) == sum(len(k) for k in keys.values())  # apart
    done, reports = _wipe(household, tmp_path / "out", "--parallel", "3")
    assert done.code == 0, done.err[-3000:]
    assert [r["account"] for r in reports] == list(ACCOUNTS)
    folders = {Path(r["run_folder"]) for r in reports}
    assert len(folders) == 3
    for report in reports:
        email = report["account"]
        state = household.state(account=email)
        assert state["recordings"] == 0, email
        assert state["settings"]["retention"] == "EIGHTEEN_MONTHS"  # the file's keep
        voice = report["histories"]["voice"]
        assert voice["export"]["records"] == before[email]["recordings"]
        export = Path(report["export_folder"])
        on_disk = {line["record_key"] for line in _lines(export / "voice-history.jsonl")}
        assert on_disk == keys[email], email
        log = (Path(report["run_folder"]) / "voicewipe.log").read_text(encoding="utf-8")
        others = [e for e in ACCOUNTS if e != email]
        assert not any(other in log for other in others), f"{email}'s log names another account"


def test_one_account_needing_a_person_does_not_stop_the_others(
    household: MockSite, book: Path, tmp_path: Path, impatient_signin: Path
) -> None:
    household.configure(account=ACCOUNTS[1], captcha="always")
    done, reports = _wipe(household, tmp_path / "out", "--flows", str(impatient_signin))
    assert done.code == 3, done.err[-3000:]  # the worst: a person is needed for one
    codes = {r["account"]: r["exit_code"] for r in reports}
    assert codes == {ACCOUNTS[0]: 0, ACCOUNTS[1]: 3, ACCOUNTS[2]: 0}
    assert household.state(account=ACCOUNTS[1])["recordings"] == 10
    assert household.state(account=ACCOUNTS[0])["recordings"] == 0
    assert household.state(account=ACCOUNTS[2])["recordings"] == 0
    said = [line for line in done.err.splitlines() if line.startswith("voicewipe: ")]
    assert len(said) == 1 and said[0].startswith(f"voicewipe: {ACCOUNTS[1]}: "), done.err


def test_a_busy_account_is_refused_and_the_others_run(
    household: MockSite, book: Path, tmp_path: Path
) -> None:
    with account_lock(household.url, ACCOUNTS[2], "wipe"):
        done, reports = _wipe(household, tmp_path / "out", "--parallel", "3")
    assert done.code == 4, done.err[-3000:]
    codes = {r["account"]: r["exit_code"] for r in reports}
    assert codes == {ACCOUNTS[0]: 0, ACCOUNTS[1]: 0, ACCOUNTS[2]: 4}
    assert "another voicewipe run" in next(r["error"] for r in reports if r["exit_code"])
    assert household.state(account=ACCOUNTS[2])["recordings"] == 10
    assert household.state(account=ACCOUNTS[1])["recordings"] == 0


@pytest.mark.reliability  # scripts/test runs the wipes above; this and doctor's, the long tier
def test_two_accounts_of_a_started_mock_without_an_accounts_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICEWIPE_ACCOUNTS", str(tmp_path / "none.yaml"))
    done = run_cli(
        "export", "--all-accounts", "--mock", "--mock-option", "accounts=2",
        "--mock-option", "recordings=8", "--json", "--out", str(tmp_path / "out"),
        "--no-screenshots", timeout=300,
    )  # fmt: skip
    assert done.code == 0, done.err[-3000:]
    reports = json.loads(done.out)
    assert [r["account"] for r in reports] == list(ACCOUNTS[:2])
    for report in reports:
        lines = _lines(Path(report["export_folder"]) / "voice-history.jsonl")
        assert len(lines) == report["histories"]["voice"]["export"]["records"] == 8


@pytest.mark.unit
@pytest.mark.parametrize(
    ("more", "said"),
    [
        (["--account", "a@example.com"], "give it without --account"),
        (["--parallel", "0"], "--parallel: 0 is not a number from 1 to 16"),
        (["--replay", "x.har"], "give it without --all-accounts"),
    ],
)
def test_wrong_options_are_one_line(
    more: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICEWIPE_ACCOUNTS", str(tmp_path / "none.yaml"))
    done = run_cli("wipe", "--all-accounts", "--out", str(tmp_path), *more)
    assert done.code == 2 and said in done.err and "Traceback" not in done.err


@pytest.mark.reliability
def test_doctor_walks_every_account(household: MockSite, book: Path, tmp_path: Path) -> None:
    done = run_cli(
        "doctor", "--all-accounts", "--parallel", "3", "--site", household.url, "--json",
        "--out", str(tmp_path / "out"), "--no-screenshots", timeout=300,
    )  # fmt: skip
    assert done.code == 0, done.out + done.err[-2000:]
    rows = {row["what"]: row for row in json.loads(done.out)}
    for email in ACCOUNTS:
        assert rows[f"{email}: pages"]["ok"], rows
        assert "all 16 elements the flows need are there" in rows[f"{email}: pages"]["detail"]
        assert rows[f"{email}: credentials"]["ok"]
    assert all(household.state(account=e)["signin"]["successes"] == 1 for e in ACCOUNTS)
