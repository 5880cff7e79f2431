"""VOICEWIPE_SECRET_SESSION_KEY: where there is no keyring (a container), saved sign-ins are
encrypted with the key from the environment, and a key that is none is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from voicewipe.alexa import sessions
from voicewipe.credentials import SESSION_KEY_VARIABLE
from voicewipe.errors import UsageError

pytestmark = pytest.mark.unit
SITE, ACCOUNT = "https://www.amazon.com", "sam@example.com"


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_a_sign_in_is_kept_with_the_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = {"cookies": [{"name": "session-id", "value": "123-4567890"}], "origins": []}
    assert sessions.save(SITE, ACCOUNT, state) is None  # no keyring, no key: not kept
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(SESSION_KEY_VARIABLE, key)
    path = sessions.save(SITE, ACCOUNT, state)
    assert path is not None and b"123-4567890" not in path.read_bytes()
    assert sessions.load(SITE, ACCOUNT) == state
    assert Fernet(key.encode()).decrypt(path.read_bytes())  # encrypted with that very key
    monkeypatch.setenv(SESSION_KEY_VARIABLE, Fernet.generate_key().decode())
    assert sessions.load(SITE, ACCOUNT) is None  # another key: signed in afresh, said


def test_a_key_that_is_none_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SESSION_KEY_VARIABLE, "not-a-key")
    with pytest.raises(UsageError, match=f"^{SESSION_KEY_VARIABLE} is not a key voicewipe can use"):
        sessions.save(SITE, ACCOUNT, {"cookies": []})
