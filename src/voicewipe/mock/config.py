"""Everything that shapes one mock site instance, in one frozen value.

A MockConfig is data only: the server reads it, the control API replaces it (dataclasses.replace)
when a test switches a fault on at run time, and the CLI builds one from its options. Keeping it
frozen means a running request never sees half of a change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

LOCALES = ("en-US", "en-GB", "de-DE", "ja-JP")
MFA_MODES = ("none", "totp", "approval")
CAPTCHA_MODES = ("never", "once", "always", "every", "puzzle")
_LOOPBACK = ("127.0.0.1", "::1", "localhost")

# The demo account: the account the mock knows (the first of them with `accounts`). Printed by
# `voicewipe mock-site`; flows and tests sign in with it. The TOTP secret is base32, as
# authenticator apps expect.
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "correct-horse-battery"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_NAME = "Sam"
DEMO_CUSTOMER_ID = "A2VW1PEDEMO7Q3"


@dataclass(frozen=True)
class MockConfig:
    """One mock site's options. Defaults give a quiet, fault-free site with a few hundred
    recordings; every fault is off until switched on."""

    # Data (takes effect when the data is generated: at start and at reset).
    recordings: int = 300
    detected_sounds: int | None = None  # None: recordings // 10
    smart_home_events: int | None = None  # None: recordings // 5
    seed: int = 1
    now: datetime | None = None  # a fixed "now" for determinism; None: the real clock
    audio_bytes: int = 8_000  # size of each generated WAV before gzip
    no_audio_fraction: float = 0.08
    page_size: int = 50  # records per customer-history-records-v2 page
    # The Alexa+ history on the rah feed and the activity page (plus.py); off: the account
    # never had Alexa+ (the feed answers 404, the activity page leads to rvh).
    alexa_plus: bool = False
    alexa_plus_records: int | None = None  # None: recordings // 3
    # How many accounts the site serves (account_emails), each with its own data (seed + k - 1),
    # sign-in and settings: for running several accounts side by side (mock/accounts.py).
    accounts: int = 1

    # Presentation.
    locale: str = "en-US"
    drift: bool = False  # the "redesigned" variant: renamed classes, reworded labels

    # Sign-in: the one account the site knows (the demo account unless a test sets its own,
    # e.g. a canary password that must never appear in any file).
    email: str = DEMO_EMAIL
    password: str = DEMO_PASSWORD
    totp_secret: str = DEMO_TOTP_SECRET
    mfa: str = "none"
    captcha: str = "never"
    captcha_every: int = 3  # with captcha="every": every Nth password submission
    max_failed_signins: int = 5  # then the account is locked until reset
    session_ttl_s: float = 14 * 24 * 3600.0  # Amazon's cookies last about 14 days
    session_max_requests: int = 0  # 0: unlimited; else the session dies after N requests

    # Sign-in as public sources show it in 2025-2026 (shared/alexa-site.md), each off by
    # default. signin: "classic" (today's e-mail page), "claim" (/ap/signin redirects to an
    # /ax/claim e-mail step, field #ap_email_login), "unknown" (after the password, a page
    # no flow knows). passkey_nudge: False, True (a skippable "Set up a passkey" page after
    # the password) or "dead_end" (no way on). phone_fixup: the "Add a mobile number" prompt.
    # approval_page: "classic" or "polling" (form#pollingForm, mfa="approval"). A wrong
    # password's message: "classic" or "mobile". regional_hop: the end of the sign-in goes
    # through /ap/maplanding, as regional sign-ins hop through www.amazon.com. otp_page: the
    # code form "classic" (#auth-mfa-otpcode) or "cvf" (input[name=code] in form[action=verify],
    # #cvf-submit-otp-button). lockout_page: "classic" (form[name=forgotPassword]) or
    # "otp_options" (a recovery page marked by input[name=OTPChallengeOptions]).
    signin: str = "classic"
    passkey_nudge: bool | str = False
    phone_fixup: bool = False
    approval_page: str = "classic"
    wrong_password_message: str = "classic"
    regional_hop: bool = False
    otp_page: str = "classic"
    lockout_page: str = "classic"

    # Backend behaviour and faults.
    deletion_delay_s: float = 2.0  # how long a bulk deletion stays "in progress"
    latency_ms: int = 0  # added to every request except static files and /__mock__/
    latency_spike_ms: int = 0  # added on top to a fraction of requests (a congested network)
    latency_spike_rate: float = 0.0  # that fraction
    rate_limit: float = 0.0  # requests/s on the JSON and audio endpoints; 0: unlimited
    rate_burst: int = 0  # token bucket size; 0: one second's worth (at least 1)
    fail_rate: float = 0.0  # fraction of requests answered 503
    fail_deletes: bool = False  # the bulk deletion endpoint alone answers 503 (invented)
    # Outages: every fail_burst_every_s seconds (counted from when the option was set), the
    # site answers every request 503 for fail_burst_s seconds; 0: never.
    fail_burst_s: float = 0.0
    fail_burst_every_s: float = 30.0
    # Recordings that reach the history the moment a bulk deletion is asked for (said a minute
    # before the newest one): what arrives between a delete's check and its click.
    arrive_on_delete: int = 0

    # The site as clients meet it in 2025-2026 (shared/alexa-site.md); each off by default.
    csrf_ttl_s: float = 0.0  # a CSRF token older than this is refused (403 text/html); 0: never
    old_get: str = "none"  # the pre-2024 GET customer-history-records: none (no route), 404, 429
    publish_delay_s: float = 0.0  # a new recording reaches the JSON this long after it was said
    dom: str = "classic"  # the Review Voice History page: classic, or 2025's classes
    bulk_delete_wording: str = "classic"  # or all_recordings, selected (a checkbox per entry)
    device_entity_ids: bool = True  # false: every record's deviceEntityId is null
    # 2025: the records with the fields clients log now (personsInfo, customerId, item keys,
    # PROFILE items ...) and the newer utteranceType values (ROUTINES_3P, FALSE_WAKE_WORD_1P ...).
    feed: str = "classic"
    profile_filter: bool = False  # a profile menu on the rvh page (invented)
    # Without alexa_plus: the activity page shows the token ("token") or sends the account
    # on to the hub ("redirect"; invented), the two ways an account may lack the Alexa+ page.
    activity_page: str = "token"

    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def sounds_count(self) -> int:
        return self.recordings // 10 if self.detected_sounds is None else self.detected_sounds

    @property
    def smart_home_count(self) -> int:
        return self.recordings // 5 if self.smart_home_events is None else self.smart_home_events

    @property
    def alexa_plus_count(self) -> int:
        n = self.alexa_plus_records
        return self.recordings // 3 if n is None else n

    @property
    def account_emails(self) -> tuple[str, ...]:
        """The accounts' e-mail addresses: `email`, then demo2@example.com... (or, for an
        address of a test's own, <local>+2@<domain>...). All share the password and secret."""
        if self.email.lower() == DEMO_EMAIL:
            return (self.email, *(f"demo{k}@example.com" for k in range(2, self.accounts + 1)))
        local, at, domain = self.email.rpartition("@")
        if not at:  # not an address (the checks allow any string): a suffix still tells apart
            local, domain = self.email, ""
        return (self.email, *(f"{local}+{k}{at}{domain}" for k in range(2, self.accounts + 1)))

    def replace(self, **changes: Any) -> MockConfig:
        """A copy with `changes`; unknown names raise ValueError (not TypeError) so that the
        control API can answer 400 with the message."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(unknown)}")
        if isinstance(changes.get("now"), str):
            changes["now"] = datetime.fromisoformat(changes["now"])
        for name, _ in _CHOICES:  # dom=2025, old_get=404 as a command line's YAML reads them
            value = changes.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                changes[name] = str(value)
        try:
            return dataclasses.replace(self, **changes)
        except TypeError as error:  # a wrong type that the checks below tripped over
            raise ValueError(str(error)) from None

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["now"] = self.now.isoformat() if self.now else None
        return out


# The options that must be whole numbers, and each number's bounds (inclusive; None: no
# maximum), in the order their problems are told.
_INTEGERS = (
    "recordings",
    "accounts",
    "seed",
    "audio_bytes",
    "captcha_every",
    "max_failed_signins",
    "arrive_on_delete",
)
_BOUNDS: tuple[tuple[str, float, float | None], ...] = (
    ("recordings", 0, 1_000_000),
    ("accounts", 1, 50),
    ("audio_bytes", 44, 50_000_000),
    ("page_size", 1, 1000),
    ("captcha_every", 1, None),
    ("max_failed_signins", 1, None),
    ("session_ttl_s", 0.001, None),
    ("session_max_requests", 0, None),
    ("deletion_delay_s", 0, 3600),
    ("latency_ms", 0, 60_000),
    ("latency_spike_ms", 0, 60_000),
    ("latency_spike_rate", 0, 1),
    ("rate_limit", 0, None),
    ("rate_burst", 0, None),
    ("fail_rate", 0, 1),
    ("fail_burst_s", 0, 3600),
    ("fail_burst_every_s", 0.1, 86_400),
    ("arrive_on_delete", 0, 1000),
    ("no_audio_fraction", 0, 1),
    ("csrf_ttl_s", 0, None),
    ("publish_delay_s", 0, 3600),
    ("port", 0, 65535),
)


_CHOICES = (
    ("old_get", ("none", "404", "429")),
    ("dom", ("classic", "2025")),
    ("bulk_delete_wording", ("classic", "all_recordings", "selected")),
    ("feed", ("classic", "2025")),
    ("activity_page", ("token", "redirect")),
)


def _problems(c: MockConfig) -> list[str]:
    """Every invalid value, as one message each (checked by hand: the control API receives
    JSON of any shape, and a wrong type must be a 400, never a traceback)."""
    return [*_number_problems(c), *_other_problems(c)]


def _number_problems(c: MockConfig) -> list[str]:
    out = [
        f"{name} must be an integer"
        for name in _INTEGERS
        if isinstance(getattr(c, name), bool) or not isinstance(getattr(c, name), int)
    ]
    for name, minimum, maximum in _BOUNDS:
        out.extend(_number(c, name, minimum=minimum, maximum=maximum))
    for name in ("detected_sounds", "smart_home_events", "alexa_plus_records"):
        if getattr(c, name) is not None:
            out.extend(_number(c, name, maximum=1_000_000))
    return out


def _number(
    c: MockConfig, name: str, *, minimum: float = 0, maximum: float | None = None
) -> list[str]:
    value = getattr(c, name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [f"{name} must be a number"]
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        return [f"{name} must be {bound}"]
    return []


def _other_problems(c: MockConfig) -> list[str]:
    out: list[str] = []
    if c.locale not in LOCALES:
        out.append(f"locale must be one of {', '.join(LOCALES)}")
    if c.mfa not in MFA_MODES:
        out.append(f"mfa must be one of {', '.join(MFA_MODES)}")
    if c.captcha not in CAPTCHA_MODES:
        out.append(f"captcha must be one of {', '.join(CAPTCHA_MODES)}")
    for name in ("drift", "device_entity_ids", "profile_filter", "fail_deletes"):
        if not isinstance(getattr(c, name), bool):
            out.append(f"{name} must be true or false")
    for name, choices in _CHOICES:
        if getattr(c, name) not in choices:
            out.append(f"{name} must be one of {', '.join(choices)}")
    out.extend(_signin_problems(c))
    if not isinstance(c.alexa_plus, bool):
        out.append("alexa_plus must be true or false")
    if c.now is not None and not isinstance(c.now, datetime):
        out.append("now must be an ISO 8601 date-time")
    if c.host not in _LOOPBACK:
        # The mock holds a demo account's password and takes control requests: it is never
        # served beyond this machine.
        out.append(f"host must be a loopback address ({', '.join(_LOOPBACK)})")
    for name in ("email", "password", "totp_secret"):
        if not isinstance(getattr(c, name), str) or not getattr(c, name):
            out.append(f"{name} must be a non-empty string")
    return out


# The 2025-2026 sign-in options and the values each takes.
_SIGNIN_CHOICES: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("signin", ("classic", "claim", "unknown")),
    ("passkey_nudge", (False, True, "dead_end")),
    ("phone_fixup", (False, True)),
    ("approval_page", ("classic", "polling")),
    ("wrong_password_message", ("classic", "mobile")),
    ("regional_hop", (False, True)),
    ("otp_page", ("classic", "cvf")),
    ("lockout_page", ("classic", "otp_options")),
)


def _signin_problems(c: MockConfig) -> list[str]:
    out = []
    for name, choices in _SIGNIN_CHOICES:
        value = getattr(c, name)
        # `True == 1`: a value must be one of the choices in its own type too.
        if not any(value == v and type(value) is type(v) for v in choices):
            said = ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in choices)
            out.append(f"{name} must be one of {said}")
    return out
