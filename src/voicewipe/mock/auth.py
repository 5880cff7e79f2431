"""Sign-in: the demo account, its sessions, CAPTCHA, one-time codes and phone approval.

Pure state and rules, no HTTP: the sign-in pages (signin.py) ask this module what comes next
and render it. A sign-in in progress is a Transaction, carried between pages in the hidden
appActionToken field the way Amazon carries its own workflow state.
"""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyotp

from voicewipe.mock.config import MockConfig

HOME = "/alexa-privacy/apd/home"
# The counter each stage after the password adds to when it is shown.
_SHOWN = {
    "puzzle": "puzzles_shown",
    "approval": "approvals_requested",
    "unknown": "unknown_pages",
    "passkey": "passkey_nudges",
    "phone": "phone_fixups",
}


@dataclass
class Session:
    token: str  # the at-main cookie
    csrf: str  # what the pages' <meta name="csrf-token"> carries
    created: float  # time.monotonic()
    remember: bool
    requests: int = 0
    # The CSRF token's age and its plain-text endpoint's last answer (mock/csrf.py).
    csrf_issued: float = field(default_factory=time.monotonic)
    csrf_polled: tuple[float, str] | None = None  # when, and the token it gave


@dataclass
class Transaction:
    """One sign-in in progress. stage: password, captcha, then (advance) puzzle, mfa,
    approval, unknown, passkey, phone, done."""

    id: str
    email: str
    return_to: str
    stage: str = "password"
    remember: bool = False
    captcha_answer: str = ""
    captcha_passed: bool = False
    approved: bool = False
    puzzle_solved: bool = False
    device_token: str | None = None  # the browser's "don't ask for codes" cookie, if any
    device: str | None = None  # a new such cookie to set when the sign-in ends
    passed: set[str] = field(default_factory=set)  # the stages after the password done


@dataclass
class Counters:
    """What /__mock__/state reports under "signin"."""

    email_submissions: int = 0
    password_attempts: int = 0  # every password page or CAPTCHA page submission
    successes: int = 0
    wrong_passwords: int = 0
    unknown_emails: int = 0
    captcha_shown: int = 0
    captcha_solved: int = 0
    captcha_failed: int = 0
    mfa_failures: int = 0
    approvals_requested: int = 0
    puzzles_shown: int = 0
    puzzles_solved: int = 0
    unknown_pages: int = 0
    passkey_nudges: int = 0
    phone_fixups: int = 0


@dataclass
class Auth:
    config: MockConfig
    sessions: dict[str, Session] = field(default_factory=dict)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    remembered_devices: set[str] = field(default_factory=set)
    counters: Counters = field(default_factory=Counters)
    consecutive_failures: int = 0
    locked: bool = False
    captcha_once_done: bool = False
    expired_sessions: int = 0

    # --- sign-in steps -------------------------------------------------------------------

    def begin(self, email: str, return_to: str) -> Transaction | None:
        """The e-mail page was submitted: a transaction for a known account, else None."""
        self.counters.email_submissions += 1
        if email.strip().lower() != self.config.email.lower():
            self.counters.unknown_emails += 1
            return None
        tx = Transaction(id=secrets.token_urlsafe(18), email=self.config.email, return_to=return_to)
        self.transactions[tx.id] = tx
        return tx

    def needs_captcha(self) -> bool:
        """Whether this password submission must first pass a CAPTCHA."""
        mode = self.config.captcha
        n = self.counters.password_attempts
        return (
            mode == "always"
            or (mode == "once" and not self.captcha_once_done)
            or (mode == "every" and n % self.config.captcha_every == 0)
        )

    def new_captcha(self, tx: Transaction) -> None:
        tx.stage = "captcha"
        tx.captcha_passed = False
        tx.captcha_answer = "".join(secrets.choice(string.ascii_uppercase) for _ in range(6))
        self.counters.captcha_shown += 1

    def check_captcha(self, tx: Transaction, guess: str) -> bool:
        if guess.strip().upper() == tx.captcha_answer:
            self.counters.captcha_solved += 1
            self.captcha_once_done = True
            tx.captcha_passed = True
            return True
        self.counters.captcha_failed += 1
        return False

    def check_password(self, password: str) -> bool:
        """Counts failures; locks the account after max_failed_signins in a row."""
        if secrets.compare_digest(password.encode(), self.config.password.encode()):
            self.consecutive_failures = 0
            return True
        self.counters.wrong_passwords += 1
        self.consecutive_failures += 1
        if self.consecutive_failures >= self.config.max_failed_signins:
            self.locked = True
        return False

    def advance(self, tx: Transaction) -> str:
        """After the right password, the next page the sign-in shows (its stage, set on tx),
        in the order of Amazon's: the puzzle, the second step, a page nothing knows, the
        passkey nudge, the phone prompt; "done" when none is left."""
        c = self.config
        wanted = (
            ("puzzle", c.captcha == "puzzle" and not self.captcha_once_done),
            ("mfa", c.mfa == "totp" and tx.device_token not in self.remembered_devices),
            ("approval", c.mfa == "approval"),
            ("unknown", c.signin == "unknown"),
            ("passkey", c.passkey_nudge is not False),
            ("phone", c.phone_fixup),
        )
        stage = next((s for s, needed in wanted if needed and s not in tx.passed), "done")
        if stage != tx.stage:
            counter = _SHOWN.get(stage)
            if counter:
                setattr(self.counters, counter, getattr(self.counters, counter) + 1)
        tx.stage = stage
        return stage

    def passed(self, tx: Transaction, stage: str) -> str:
        """The person got past `stage`: the next one."""
        tx.passed.add(stage)
        return self.advance(tx)

    def solve(self) -> int:
        """Solve the pending puzzles (only a person can, so the control API does); how many."""
        count = 0
        for tx in self.transactions.values():
            if tx.stage == "puzzle" and not tx.puzzle_solved:
                tx.puzzle_solved = True
                count += 1
        self.counters.puzzles_solved += count
        self.captcha_once_done = self.captcha_once_done or count > 0
        return count

    def check_otp(self, code: str) -> bool:
        code = code.strip().replace(" ", "")
        if code.isdigit() and pyotp.TOTP(self.config.totp_secret).verify(code, valid_window=1):
            return True
        self.counters.mfa_failures += 1
        return False

    def remember_device(self) -> str:
        token = secrets.token_urlsafe(18)
        self.remembered_devices.add(token)
        return token

    def approve(self, tx_id: str | None = None) -> int:
        """Approve the pending phone approvals (or one of them); how many were approved."""
        count = 0
        for tx in self.transactions.values():
            if tx.stage == "approval" and not tx.approved and tx_id in (None, tx.id):
                tx.approved = True
                count += 1
        return count

    def finish(self, tx: Transaction) -> Session:
        self.transactions.pop(tx.id, None)
        self.counters.successes += 1
        session = Session(
            token=secrets.token_urlsafe(24),
            csrf=secrets.token_urlsafe(32),
            created=time.monotonic(),
            remember=tx.remember,
        )
        self.sessions[session.token] = session
        return session

    # --- sessions ------------------------------------------------------------------------

    def session(self, token: str | None, *, count: bool = True) -> Session | None:
        """The live session for a cookie value, counting the request; None when there is
        none or it expired (by age or, with session_max_requests, by use)."""
        session = self.sessions.get(token or "")
        if session is None:
            return None
        limit = self.config.session_max_requests
        too_old = time.monotonic() - session.created > self.config.session_ttl_s
        if too_old or (limit and session.requests >= limit):
            del self.sessions[session.token]
            self.expired_sessions += 1
            return None
        if count:
            session.requests += 1
        return session

    def end(self, token: str | None) -> None:
        self.sessions.pop(token or "", None)

    def expire_all(self) -> int:
        count = len(self.sessions)
        self.expired_sessions += count
        self.sessions.clear()
        return count


def safe_return_to(value: str | None) -> str:
    """Where to go after sign-in: a path on this site only (never an open redirect)."""
    if not value:
        return HOME
    parts = urlsplit(value)
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return HOME
    return path + (f"?{parts.query}" if parts.query else "")
