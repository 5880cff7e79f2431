"""The state of one mock site: configuration, data, sign-in, settings, faults and counters.

Handlers run on uvicorn's event loop thread while tests call reset()/configure()/state()
from their own thread, so every read and change goes through one lock. The work under it is
short (a bisect, a page of records), which keeps the loop responsive.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from voicewipe.mock import data
from voicewipe.mock.auth import Auth
from voicewipe.mock.config import MockConfig
from voicewipe.mock.faults import Faults

RETENTION_OPTIONS = ("UNTIL_DELETED", "EIGHTEEN_MONTHS", "THREE_MONTHS", "DONT_SAVE")
_RETENTION_DAYS = {"EIGHTEEN_MONTHS": 548, "THREE_MONTHS": 91}
_DAY_MS = 86_400_000

# Options whose change needs the data generated again: configure() refuses them (reset takes
# them), so a running test never sees records change under it.
DATA_OPTIONS = frozenset(
    {"recordings", "detected_sounds", "smart_home_events", "seed", "now", "no_audio_fraction"}
    | {"alexa_plus", "alexa_plus_records", "accounts"}
)
_FAULT_OPTIONS = frozenset(
    {"rate_limit", "rate_burst", "fail_rate", "seed", "latency_spike_rate"}
    | {"fail_burst_s", "fail_burst_every_s"}  # the outages' clock starts again
)
# configure() actions that are not options.
ACTIONS = frozenset({"expire_sessions", "unlock", "approve"})


@dataclass
class Settings:
    retention: str = "UNTIL_DELETED"
    deletion_by_voice: bool = False
    data_improves_alexa: bool = True


@dataclass
class Stats:
    requests: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    throttled: int = 0  # 429s
    injected_failures: int = 0  # 503s from fail_rate and fail_burst_s
    csrf_rejected: int = 0  # 403s
    unauthenticated: int = 0  # 401s and sign-in redirects
    bad_requests: int = 0  # 400s
    disconnects: int = 0  # clients that went away before their answer was sent


class Site:
    def __init__(self, config: MockConfig) -> None:
        self.lock = threading.RLock()
        self.config = config
        self._fresh()

    def _fresh(self) -> None:
        self.data = data.generate(self.config)
        self.auth = Auth(self.config)
        self.faults = Faults(self.config)
        self.settings = Settings()
        self.stats = Stats()

    # --- control -------------------------------------------------------------------------

    def reset(self, config: MockConfig | None = None, **changes: Any) -> None:
        """Back to a fresh site (new data, no sessions, zero counters), with `config` (else the
        current one) and `changes` to it. Raises ValueError for bad changes, changing nothing."""
        with self.lock:
            self.config = (config or self.config).replace(**changes)
            self._fresh()

    def configure(self, **changes: Any) -> dict[str, int]:
        """Change options at run time (faults, CAPTCHA, MFA, drift...) and run actions:
        expire_sessions, unlock, approve. Raises ValueError, changing nothing."""
        actions = {k: changes.pop(k) for k in list(changes) if k in ACTIONS}
        refused = sorted(DATA_OPTIONS & changes.keys())
        if refused:
            raise ValueError(f"{', '.join(refused)} change(s) the data: use reset instead")
        for name, value in actions.items():
            if not isinstance(value, bool):
                # ValueError, not TypeError: the control API answers every ValueError with 400.
                raise ValueError(f"{name} must be true or false")  # noqa: TRY004
        with self.lock:
            config = self.config.replace(**changes)
            done: dict[str, int] = {}
            self.config = config
            self.auth.config = config
            if _FAULT_OPTIONS & changes.keys():
                self.faults = Faults(config)
            else:
                self.faults.config = config
            if actions.get("expire_sessions"):
                done["expired_sessions"] = self.auth.expire_all()
            if actions.get("unlock"):
                self.auth.locked = False
                self.auth.consecutive_failures = 0
                done["unlocked"] = 1
            if actions.get("approve"):
                done["approved"] = self.auth.approve()
            return done

    # --- settings ------------------------------------------------------------------------

    def set_retention(self, option: str) -> data.Deletion | None:
        """Save the retention choice and start deleting what it no longer keeps."""
        with self.lock:
            self.settings.retention = option
            store = self.data.stores[data.VOICE]
            if option == "DONT_SAVE":
                doomed = list(store)
            elif option in _RETENTION_DAYS:
                cutoff = data.now_ms(self.config) - _RETENTION_DAYS[option] * _DAY_MS
                doomed = store.matching(0, cutoff - 1, None)
            else:
                return None
            return self.data.delete_later(data.VOICE, doomed, self.config.deletion_delay_s)

    # --- new recordings, and which are gone -----------------------------------------------

    def arrive(self, count: int, late_s: float = 0, ago_s: float = 0) -> list[str]:
        """`count` new voice recordings, said just now (a person talking to Alexa while a
        run goes on), `late_s` seconds before the newest record, or `ago_s` seconds before
        now (both reaching the history late); returns their keys."""
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100_000:
            raise ValueError("recordings must be an integer between 0 and 100000")
        for name, value in (("late_s", late_s), ("ago_s", ago_s)):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{name} must be a number of seconds, 0 or more")
        with self.lock:
            return self.data.arrive(self.config, count, int(late_s * 1000), int(ago_s * 1000))

    def keys(self, kind: str) -> dict[str, list[str]]:
        """The record keys of one history: those on the site now, and those deleted since the
        data was made (by any path: the bulk delete, one entry, a retention setting)."""
        if kind not in self.data.stores:
            raise ValueError(f"history must be one of {', '.join(self.data.stores)}")
        with self.lock:
            self.data.settle()
            return {
                "present": [r.key for r in self.data.stores[kind]],
                "deleted": list(self.data.deleted_keys[kind]),
            }

    # --- inspection ----------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything a test may want to check server-side; the shape is in mock/README.md."""
        with self.lock:
            self.data.settle()
            histories = {kind: self._history_state(kind) for kind in self.data.stores}
            auth = self.auth
            return {
                "config": self.config.to_json(),
                "account": {
                    "email": self.config.email,
                    "password": self.config.password,
                    "totp_secret": self.config.totp_secret,
                },
                "recordings": histories[data.VOICE]["total"],
                "histories": histories,
                "deletions": [
                    {
                        "id": d.id,
                        "kind": d.kind,
                        "requested": d.requested,
                        "deleted": d.deleted,
                        "status": "COMPLETED" if d.done else "IN_PROGRESS",
                    }
                    for d in self.data.deletions.values()
                ],
                "settings": {
                    "retention": self.settings.retention,
                    "deletion_by_voice": self.settings.deletion_by_voice,
                    "data_improves_alexa": self.settings.data_improves_alexa,
                },
                "signin": {
                    **vars(auth.counters),
                    "locked": auth.locked,
                    "consecutive_failures": auth.consecutive_failures,
                    "pending_approvals": sum(
                        1 for t in auth.transactions.values() if t.stage == "approval"
                    ),
                    "pending_puzzles": sum(
                        1 for t in auth.transactions.values() if t.stage == "puzzle"
                    ),
                    "captcha_answers": [
                        t.captcha_answer for t in auth.transactions.values() if t.stage == "captcha"
                    ],
                },
                "sessions": {
                    "active": len(auth.sessions),
                    "expired": auth.expired_sessions,
                    "requests": [s.requests for s in auth.sessions.values()],
                },
                "requests": self._request_state(),
            }

    def _request_state(self) -> dict[str, Any]:
        stats = self.stats
        return {
            "total": stats.requests,
            "by_endpoint": dict(stats.by_endpoint),
            "by_status": dict(stats.by_status),
            "throttled": stats.throttled,
            "injected_failures": stats.injected_failures,
            "csrf_rejected": stats.csrf_rejected,
            "unauthenticated": stats.unauthenticated,
            "bad_requests": stats.bad_requests,
            "disconnects": stats.disconnects,
        }

    def _history_state(self, kind: str) -> dict[str, Any]:
        store = self.data.stores[kind]
        by_device: Counter[str] = Counter()
        by_day_n: Counter[int] = Counter()
        with_audio = 0
        for record in store:
            by_device[record.device.name] += 1
            by_day_n[record.timestamp // _DAY_MS] += 1
            with_audio += record.has_audio
        by_day = {
            datetime.fromtimestamp(day * 86_400, UTC).date().isoformat(): n
            for day, n in sorted(by_day_n.items())
        }
        return {
            "total": len(store),
            "with_audio": with_audio,
            "pending_deletion": len(self.data.pending_keys(kind)),
            "deleted": self.data.deleted[kind],
            "by_device": dict(sorted(by_device.items())),
            "by_day": by_day,  # UTC dates
        }
