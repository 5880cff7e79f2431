"""Signing in through the pages of 2025-2026, end to end: what a machine may answer is
answered (the /ax/claim e-mail step, the passkey nudge, the phone prompt, the polling approval
form, the hop through /ap/maplanding), a wrong password worded as a mobile number problem is
a wrong password, and what only a person can answer (the puzzle CAPTCHA, the passkey dead
end, a page no flow knows) stops a headless run with exit code 3, the address and the
screenshot named. Checked on the mock's counters and on disk."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from voicewipe.mock import DEMO_PASSWORD

# The folder's tier (e2e); a second run in another language is `reliability` where a
# case has one elsewhere here (scripts/reliability), so scripts/test keeps to 12 minutes.


def _again(*values: object) -> object:
    """A case's run in a second language, for scripts/reliability."""
    return pytest.param(*values, marks=pytest.mark.reliability)


def _message(err: str) -> str:
    """The command's final message: what follows the last 'voicewipe: ' on stderr."""
    assert "voicewipe: " in err, err
    return err[err.rindex("voicewipe: ") :].strip()


def _signin(mock: Any) -> dict[str, Any]:
    return dict(mock.state()["signin"])


def _no_password_in(out: Path, *texts: str, password: str = DEMO_PASSWORD) -> None:
    """Neither the output nor any file the run left (logs, run.json, report, screenshots'
    bytes) holds the password."""
    for text in texts:
        assert password not in text
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert password.encode() not in path.read_bytes(), f"the password is in {path}"


@pytest.mark.parametrize(
    ("marketplace", "language"), [("amazon.com", "en-US"), ("amazon.de", "de-DE")]
)
def test_claim_passkey_nudge_and_phone_prompt_together(mock, vw, out, marketplace, language):
    """The claim e-mail step, the passkey nudge and the phone prompt in one sign-in, with the
    regional hop at its end: answered on their own, and the export runs."""
    mock.reset(
        recordings=10,
        locale=language,
        signin="claim",
        passkey_nudge=True,
        phone_fixup=True,
        regional_hop=True,
    )
    done = vw("export", "--no-audio", "--marketplace", marketplace)
    assert done.code == 0, done.result.err
    signin = _signin(mock)
    assert (signin["email_submissions"], signin["password_attempts"]) == (1, 1)
    assert (signin["passkey_nudges"], signin["phone_fixups"], signin["successes"]) == (1, 1, 1)
    assert len(done.records(marketplace)) == 10
    labels = [s["label"] for s in done.run_json["steps"] if s["outcome"] == "ok"]
    assert "Skip setting up a passkey" in labels
    assert "Not now" in labels
    _no_password_in(out, done.result.out, done.result.err)


@pytest.mark.parametrize(
    ("marketplace", "language"),
    [("amazon.com", "en-US"), _again("amazon.co.jp", "ja-JP")],
)
def test_polling_approval_is_waited_for(mock, vw, marketplace, language):
    """The approval page as form#pollingForm: waited for, and the run goes on once approved."""
    mock.reset(
        recordings=10, locale=language, mfa="approval", approval_page="polling", phone_fixup=True
    )
    box: dict[str, Any] = {}

    def export() -> None:
        box["done"] = vw(
            "export", "--no-audio", "--no-screenshots", "--marketplace", marketplace, timeout=90
        )

    worker = threading.Thread(target=export, name="vw-polling-approval")
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while _signin(mock)["pending_approvals"] < 1:
            assert time.monotonic() < deadline, "no approval was ever requested"
            assert worker.is_alive(), "the command ended without asking for an approval"
            time.sleep(0.1)
        time.sleep(1.5)  # the page polls a while; the run waits
        assert _signin(mock)["successes"] == 0
    finally:
        approved, end = 0, time.monotonic() + 100
        while worker.is_alive() and time.monotonic() < end:
            approved += mock.approve()
            worker.join(timeout=0.5)
    assert not worker.is_alive(), "the command did not finish after the approval"
    assert approved == 1
    done = box["done"]
    assert done.code == 0, done.result.err
    signin = _signin(mock)
    assert (signin["successes"], signin["phone_fixups"], signin["pending_approvals"]) == (1, 1, 0)


@pytest.mark.parametrize(
    ("marketplace", "language", "words"),
    [
        ("amazon.com", "en-US", "We're unable to verify your mobile number. Try signing in again."),
        ("amazon.co.jp", "ja-JP", "携帯電話番号を確認できません。もう一度ログインしてください。"),
    ],
)
def test_a_wrong_password_worded_as_a_mobile_number(
    mock, vw, monkeypatch, marketplace, language, words
):
    """Amazon's misleading message for a wrong password: the exit code of a wrong password,
    one line saying the password may be wrong, and the password in no file."""
    wrong = "not-the-Passw0rd-9c1e"
    monkeypatch.setenv("VOICEWIPE_SECRET_PASSWORD", wrong)
    mock.reset(recordings=10, locale=language, wrong_password_message="mobile")
    done = vw("export", "--no-audio", "--account", "DEMO@example.com", "--marketplace", marketplace)
    assert done.code == 1, done.result.err
    message = _message(done.result.err)
    assert "\n" not in message
    assert "Traceback" not in done.result.err
    assert "Amazon did not accept the sign-in: " in message
    assert words in message
    assert "the password may be wrong" in message
    assert "sign-in.yaml" in message
    assert (_signin(mock)["wrong_passwords"], _signin(mock)["successes"]) == (1, 0)
    _no_password_in(done.out, done.result.out, done.result.err, password=wrong)


def _needs_a_person(done: Any, mock: Any) -> str:
    """Exit 3, one line with the way out and an existing screenshot; nothing signed in."""
    assert done.code == 3, done.result.err
    message = _message(done.result.err)
    assert "\n" not in message
    assert "Traceback" not in done.result.err
    assert "run `voicewipe login --headed`" in message
    shot = re.search(r"screenshot: (\S+\.png)", message)
    assert shot, message
    assert Path(shot.group(1)).is_file()
    assert done.run_json["exit_code"] == 3
    state = mock.state()
    assert state["signin"]["successes"] == 0
    assert state["sessions"]["active"] == 0
    return message


@pytest.mark.parametrize(
    ("marketplace", "language"),
    [("amazon.com", "en-US"), _again("amazon.de", "de-DE")],
)
def test_puzzle_captcha_headless_needs_a_person(mock, vw, marketplace, language):
    mock.reset(recordings=10, locale=language, captcha="puzzle")
    done = vw("export", "--no-audio", "--marketplace", marketplace)
    message = _needs_a_person(done, mock)
    assert "puzzle" in message
    assert f"url: {mock.url}/ap/cvf/request?arb=" in message
    assert _signin(mock)["puzzles_shown"] == 1


def test_passkey_dead_end_headless_needs_a_person(mock, vw):
    mock.reset(recordings=10, locale="de-DE", passkey_nudge="dead_end")
    done = vw("export", "--no-audio", "--marketplace", "amazon.de")
    message = _needs_a_person(done, mock)
    assert "passkey" in message
    assert "/claim/webauthn/nudge" in message


def test_a_sign_in_page_nobody_knows_is_not_guessed_at(mock, vw, impatient_signin):
    mock.reset(recordings=10, signin="unknown")
    done = vw("export", "--no-audio", "--flows", str(impatient_signin))
    message = _needs_a_person(done, mock)
    assert "a sign-in page this flow does not know" in message
    assert f"url: {mock.url}/ap/cvf/verify?arb=" in message
    assert _signin(mock)["unknown_pages"] == 1
    # Nothing on it was touched: the page is still waiting for its Continue.
    assert mock.state()["signin"]["password_attempts"] == 1


@pytest.mark.parametrize(
    ("marketplace", "language"), [("amazon.com", "en-US"), _again("amazon.de", "de-DE")]
)
def test_the_code_form_of_2025(mock, vw, out, marketplace, language):
    """The one-time code as input[name=code] in form[action=verify], sent with
    #cvf-submit-otp-button: filled from the authenticator key, and the export runs."""
    mock.reset(recordings=10, locale=language, mfa="totp", otp_page="cvf")
    done = vw("export", "--no-audio", "--marketplace", marketplace)
    assert done.code == 0, done.result.err
    signin = _signin(mock)
    assert (signin["successes"], signin["mfa_failures"]) == (1, 0)
    assert len(done.records(marketplace)) == 10
    labels = [s["label"] for s in done.run_json["steps"] if s["outcome"] == "ok"]
    assert "Submit the code" in labels
    _no_password_in(out, done.result.out, done.result.err)


@pytest.mark.parametrize("page", ["classic", "otp_options"])
def test_a_locked_sign_in_is_said_so(mock, vw, monkeypatch, page):
    """Amazon's lock-out page, marked by form[name=forgotPassword] or (lockout_page=
    "otp_options") input[name=OTPChallengeOptions]: one line saying to reset the password,
    exit 3, and nothing on the page touched."""
    monkeypatch.setenv("VOICEWIPE_SECRET_PASSWORD", "not-the-Passw0rd-77b2")
    mock.reset(recordings=10, max_failed_signins=1, lockout_page=page)
    # Another spelling of the demo account: its password from the environment, not the mock's.
    done = vw("export", "--no-audio", "--no-screenshots", "--account", "DEMO@example.com")
    assert done.code == 3, done.result.err
    message = _message(done.result.err)
    assert "\n" not in message and "Traceback" not in done.result.err
    assert "Amazon has locked this sign-in" in message
    assert "run `voicewipe login --headed`" in message
    signin = _signin(mock)
    assert signin["locked"] is True
    assert (signin["password_attempts"], signin["successes"]) == (1, 0)
