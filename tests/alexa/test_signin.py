"""Signing in, end to end: one-time codes, phone approval, CAPTCHA, saved and expired sessions,
refused sign-ins and `voicewipe login`, checked on the mock site's counters and on disk.
Runs whose screenshots no test looks at take none (--no-screenshots), to keep them quick."""

from __future__ import annotations

import base64
import re
import stat
import threading
import time
import urllib.parse
from typing import Any

import pyotp

from voicewipe.alexa import sessions
from voicewipe.mock import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET


def _message(err: str) -> str:
    """The command's final message: what follows the last 'voicewipe: ' on stderr."""
    assert "voicewipe: " in err, err
    return err[err.rindex("voicewipe: ") :].strip()


def _signin(mock: Any) -> dict[str, Any]:
    return dict(mock.state()["signin"])


def test_totp_sign_in_leaks_no_secret(mock, vw):
    """A one-time code sign-in works, and neither the password, the authenticator key nor any
    code it can have produced shows up in the output, run.json or the run's log."""
    mock.reset(recordings=20, mfa="totp")
    started = time.time()
    done = vw("export", "--no-audio")
    finished = time.time()
    assert done.code == 0, done.result.err
    signin = _signin(mock)
    assert signin["successes"] == 1
    assert signin["mfa_failures"] == 0
    assert len(done.records()) == 20

    folder = done.run_folders[-1]
    texts = {
        "stdout": done.result.out,
        "stderr": done.result.err,
        "run.json": (folder / "run.json").read_text(encoding="utf-8"),
        "voicewipe.log": (folder / "voicewipe.log").read_text(encoding="utf-8"),
    }
    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    codes = {totp.at(t) for t in range(int(started) - 60, int(finished) + 61, 10)}
    plain = [DEMO_PASSWORD, DEMO_TOTP_SECRET]
    encoded = [urllib.parse.quote(s, safe="") for s in plain]
    encoded += [base64.b64encode(s.encode()).decode() for s in plain]
    for where, text in texts.items():
        for secret in plain + encoded:
            assert secret not in text, f"a secret appears in {where}"
        for code in codes:  # a code standing alone, not a part of a longer number
            assert not re.search(rf"(?<!\d){code}(?!\d)", text), f"a one-time code in {where}"


def test_phone_approval_is_waited_for(mock, vw):
    """With approval on the phone the run waits for it, and carries on once approved."""
    mock.reset(recordings=20, mfa="approval")
    box: dict[str, Any] = {}

    def export() -> None:
        box["done"] = vw("export", "--no-audio", "--no-screenshots", timeout=90)

    worker = threading.Thread(target=export, name="vw-approval")
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while _signin(mock)["pending_approvals"] < 1:
            assert time.monotonic() < deadline, "no approval was ever requested"
            assert worker.is_alive(), "the command ended without asking for an approval"
            time.sleep(0.1)
        assert _signin(mock)["pending_approvals"] == 1
    finally:  # approve until the command ends: it also unblocks a run a failed check left
        approved, end = 0, time.monotonic() + 100
        while worker.is_alive() and time.monotonic() < end:
            approved += mock.approve()
            worker.join(timeout=0.5)
    assert not worker.is_alive(), "the command did not finish after the approval"
    assert approved == 1
    done = box["done"]
    assert done.code == 0, done.result.err
    signin = _signin(mock)
    assert signin["successes"] == 1
    assert signin["approvals_requested"] == 1
    assert signin["pending_approvals"] == 0


def test_captcha_in_a_headless_run_needs_a_person(mock, vw):
    """A CAPTCHA cannot be answered headless: exit 3, the way out named, the step's screenshot
    kept, and nothing deleted."""
    mock.reset(recordings=20, captcha="always")
    before = mock.state()["histories"]["voice"]
    done = vw("wipe", "--yes")
    assert done.code == 3, done.result.err
    message = _message(done.result.err)
    assert "voicewipe login --headed" in message
    assert "\n" not in message
    assert "Traceback" not in done.result.err

    run = done.run_json
    assert run["exit_code"] == 3
    failed = [s for s in run["steps"] if s["outcome"] == "failed"]
    assert failed, run["steps"][-3:]
    shot = failed[-1]["screenshot"]
    assert shot and (done.run_folders[-1] / shot).is_file()

    state = mock.state()
    assert state["signin"]["captcha_shown"] >= 1
    assert state["signin"]["successes"] == 0
    assert state["histories"]["voice"]["total"] == before["total"] == 20
    assert state["histories"]["voice"]["deleted"] == 0
    assert state["deletions"] == []
    assert state["settings"]["retention"] == "UNTIL_DELETED"


def test_saved_session_is_reused(mock, vw):
    """A second run opens the privacy pages with the saved session, without the sign-in page;
    the session file is readable by the user only."""
    mock.reset(recordings=20)
    first = vw("export", "--no-audio", "--no-screenshots")
    assert first.code == 0, first.result.err
    after_first = _signin(mock)
    assert after_first["successes"] == 1

    path = sessions.session_file(mock.url, DEMO_EMAIL)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    second = vw("export", "--no-audio", "--no-screenshots")
    assert second.code == 0, second.result.err
    after_second = _signin(mock)
    for counter in ("email_submissions", "password_attempts", "successes"):
        assert after_second[counter] == after_first[counter], counter
    assert "the saved sign-in still works" in second.result.err
    assert not any("ap_email" in (s["selector"] or "") for s in second.run_json["steps"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_expired_session_signs_in_afresh_once(mock, vw):
    """When the saved session has ended on the site, the run signs in again, once, rather
    than looping or failing."""
    mock.reset(recordings=20)
    assert vw("export", "--no-audio", "--no-screenshots").code == 0
    before = _signin(mock)
    assert mock.configure(expire_sessions=True)["expired_sessions"] == 1

    again = vw("export", "--no-audio", "--no-screenshots")
    assert again.code == 0, again.result.err
    after = _signin(mock)
    assert after["password_attempts"] == before["password_attempts"] + 1
    assert after["email_submissions"] == before["email_submissions"] + 1
    assert after["successes"] == before["successes"] + 1
    assert "signed in as demo@example.com" in again.result.err


def test_wrong_password_is_reported_from_amazons_error_box(mock, vw, monkeypatch):
    """A refused password stops the run with Amazon's own words, no traceback.

    The mock matches e-mail addresses case-insensitively while voicewipe only uses the demo
    password for the exact demo address, so this account gets the (wrong) password from
    VOICEWIPE_SECRET_PASSWORD.
    """
    wrong = "not-the-Passw0rd-7f3a"
    monkeypatch.setenv("VOICEWIPE_SECRET_PASSWORD", wrong)
    mock.reset(recordings=20)
    done = vw("export", "--no-audio", "--account", "DEMO@example.com", "--timeout", "5")
    assert done.code == 1, done.result.err
    assert "Traceback" not in done.result.err + done.result.out
    message = _message(done.result.err)
    assert "Amazon did not accept the sign-in" in message
    assert "Your password is incorrect" in message
    assert "sign-in.yaml" in message
    signin = _signin(mock)
    assert signin["wrong_passwords"] == 1
    assert signin["successes"] == 0
    folder = done.run_folders[-1]
    for text in (done.result.out, done.result.err, (folder / "run.json").read_text("utf-8")):
        assert wrong not in text
    assert wrong not in (folder / "voicewipe.log").read_text("utf-8")
    assert "\n" not in message  # one line, though the error box's text has two


def test_unknown_account_is_reported_from_amazons_error_box(mock, vw, monkeypatch):
    """An e-mail address Amazon does not know stops the run with Amazon's own words."""
    monkeypatch.setenv("VOICEWIPE_SECRET_PASSWORD", "wrong")
    mock.reset(recordings=20)
    done = vw("export", "--no-audio", "--account", "someone@example.com", "--timeout", "3")
    assert done.code == 1, done.result.err
    assert "Traceback" not in done.result.err
    message = _message(done.result.err)
    assert "We cannot find an account with that email address" in message
    assert "\n" not in message
    assert _signin(mock)["unknown_emails"] == 1


def test_login_saves_the_session(mock, vw):
    """`voicewipe login` signs in and leaves a session that the next run uses."""
    mock.reset(recordings=20)
    path = sessions.session_file(mock.url, DEMO_EMAIL)
    assert not path.exists()
    done = vw("login", "--json", "--no-screenshots")
    assert done.code == 0, done.result.err
    assert done.summary["login"] == {"signed_in_now": True}
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _signin(mock)["successes"] == 1

    again = vw("login", "--json", "--no-screenshots")
    assert again.code == 0, again.result.err
    assert again.summary["login"] == {"signed_in_now": False}
    assert _signin(mock)["successes"] == 1
