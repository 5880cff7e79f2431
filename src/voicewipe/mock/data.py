"""Seeded history records and the store that serves and deletes them.

Records of one kind live in one list sorted by (timestamp, recordKey), with a parallel list of
those sort keys for bisect: a page of the JSON endpoint is a slice found in O(log n), and a
pagination cursor is simply the sort key of the last record sent, so every record is reached
exactly once even while others are being deleted. Nothing here renders or knows HTTP.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from voicewipe.mock import corpus
from voicewipe.mock.config import DEMO_CUSTOMER_ID, MockConfig

VOICE, SOUNDS, SMART_HOME = "voice", "sounds", "smarthome"
KINDS = (VOICE, SOUNDS, SMART_HOME)
# pageType query value -> kind. VOICE_HISTORY is the real one; the other two are invented.
PAGE_TYPES = {"VOICE_HISTORY": VOICE, "DETECTED_SOUNDS": SOUNDS, "SMART_HOME": SMART_HOME}
RECORD_TYPES = {VOICE: "VOICE_HISTORY", SOUNDS: "DETECTED_SOUNDS", SMART_HOME: "SMART_HOME"}

# utteranceType and its share of voice records; "GENERAL" (an ordinary request) is invented:
# sources only name the special ones.
_UTTERANCE_TYPES = (
    ("GENERAL", 0.80),
    ("WAKE_WORD_ONLY", 0.07),
    ("DEVICE_ARBITRATION", 0.05),
    ("ASR_TIMEOUT", 0.04),
    ("NO_EXPRESSED_INTENT", 0.04),
)
_YEARS_MS = 3 * 365 * 24 * 3600 * 1000
_DAY_MS = 24 * 3600 * 1000

SortKey = tuple[int, str]


@dataclass(frozen=True, slots=True)
class Device:
    name: str
    entity_id: str
    device_type: str
    serial: str


@dataclass(slots=True)
class Record:
    """One history entry. Text fields are already in the site's language."""

    key: str
    timestamp: int  # epoch ms
    kind: str
    device: Device
    profile: str | None
    utterance_type: str
    text: str  # transcript, replacement text, sound or event
    response: str
    domain: str | None
    intent: str | None
    skill: str | None
    uid: str
    has_audio: bool

    @property
    def sort_key(self) -> SortKey:
        return (self.timestamp, self.key)

    def to_json(self, replacements: dict[str, str]) -> dict[str, Any]:
        """The record as customer-history-records-v2 returns it (shared/alexa-site.md)."""
        return {
            "recordKey": self.key,
            "recordType": RECORD_TYPES[self.kind],
            "timestamp": self.timestamp,
            "device": {"deviceName": self.device.name, "deviceEntityId": self.device.entity_id},
            "profileName": self.profile,  # invented: sources don't show the speaker field
            "utteranceType": self.utterance_type,
            "domain": self.domain,
            "intent": self.intent,
            "skillName": self.skill,
            "voiceHistoryRecordItems": self._items(replacements),
        }

    def _items(self, replacements: dict[str, str]) -> list[dict[str, Any]]:
        def item(kind: str, text: str, agent: str | None = None) -> dict[str, Any]:
            return {
                "recordItemType": kind,
                "utteranceId": self.uid,
                "transcriptText": text,
                "agentVisualName": agent,
            }

        if self.kind == SOUNDS:
            return [item("DETECTED_SOUND", self.text)]
        if self.kind == SMART_HOME:
            return [item("SMART_HOME_EVENT", self.text)]
        if self.utterance_type in ("WAKE_WORD_ONLY", "DEVICE_ARBITRATION", "ASR_TIMEOUT"):
            return [item("ASR_REPLACEMENT_TEXT", self.text)]
        first = item("CUSTOMER_TRANSCRIPT", self.text)
        if self.response:
            return [first, item("ALEXA_RESPONSE", self.response, "Alexa")]
        return [first, item("TTS_REPLACEMENT_TEXT", replacements["TTS"], "Alexa")]


class HistoryStore:
    """One kind's records, ascending by (timestamp, key)."""

    def __init__(self, records: Iterable[Record]) -> None:
        self._records = sorted(records, key=lambda r: r.sort_key)
        self._keys = [r.sort_key for r in self._records]
        self._by_key = {r.key: r for r in self._records}
        self._by_uid = {r.uid: r for r in self._records}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Any:
        return iter(self._records)

    def get(self, key: str) -> Record | None:
        return self._by_key.get(key)

    def by_uid(self, uid: str) -> Record | None:
        return self._by_uid.get(uid)

    def page(
        self,
        start: int,
        end: int,
        devices: frozenset[str] | None,
        cursor: SortKey | None,
        limit: int,
    ) -> tuple[list[Record], SortKey | None]:
        """Up to `limit` records in [start, end], newest first, after `cursor`; and the cursor
        for the next page (None when nothing is left)."""
        lo = bisect.bisect_left(self._keys, (start, ""))
        hi = bisect.bisect_left(self._keys, (end + 1, ""))
        if cursor is not None:
            hi = min(hi, bisect.bisect_left(self._keys, cursor))
        out: list[Record] = []
        for i in range(hi - 1, lo - 1, -1):
            record = self._records[i]
            if devices is not None and record.device.entity_id not in devices:
                continue
            if len(out) == limit:  # one more match exists: there is a next page
                return out, out[-1].sort_key
            out.append(record)
        return out, None

    def matching(self, start: int, end: int, devices: frozenset[str] | None) -> list[Record]:
        lo = bisect.bisect_left(self._keys, (start, ""))
        hi = bisect.bisect_left(self._keys, (end + 1, ""))
        chosen = self._records[lo:hi]
        if devices is None:
            return chosen
        return [r for r in chosen if r.device.entity_id in devices]

    def add(self, records: Iterable[Record]) -> None:
        self._records = sorted([*self._records, *records], key=lambda r: r.sort_key)
        self._keys = [r.sort_key for r in self._records]
        self._by_key = {r.key: r for r in self._records}
        self._by_uid = {r.uid: r for r in self._records}

    def delete(self, keys: set[str]) -> set[str]:
        """Remove the records with these keys (O(n) once, however many there are); returns
        the keys that were there."""
        present = keys & self._by_key.keys()
        if not present:
            return present
        if len(present) == 1:
            (key,) = present
            i = bisect.bisect_left(self._keys, self._by_key[key].sort_key)
            del self._records[i], self._keys[i]
        else:
            self._records = [r for r in self._records if r.key not in present]
            self._keys = [r.sort_key for r in self._records]
        for key in present:
            del self._by_uid[self._by_key.pop(key).uid]
        return present


@dataclass
class Deletion:
    """A bulk deletion: accepted at once, done `deletion_delay_s` later, as a backend would."""

    id: str
    kind: str
    keys: set[str]
    requested: int  # how many records it covers
    due: float  # time.monotonic() when it completes
    done: bool = False
    deleted: int = 0


@dataclass
class HistoryData:
    """All three histories, the deletions in flight, and what has been deleted so far."""

    stores: dict[str, HistoryStore]
    devices: list[Device]
    now_ms: int
    deletions: dict[str, Deletion] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    deleted_keys: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    _next_id: int = 0
    _arrivals: int = 0

    def _deleted(self, kind: str, keys: set[str]) -> int:
        self.deleted[kind] += len(keys)
        self.deleted_keys[kind].extend(sorted(keys))
        return len(keys)

    def arrive(self, config: MockConfig, count: int, late_ms: int = 0) -> list[str]:
        """`count` new voice recordings, one a second up to the real clock's now; with
        `late_ms`, said that long before the newest record (reaching the history late)."""
        self._arrivals += 1
        store = self.stores[VOICE]
        newest = max((r.timestamp for r in store), default=0)
        now = max(int(time.time() * 1000), newest + count * 1000 + 1)
        if late_ms:
            now = newest - late_ms
        fresh = _voice(
            config,
            corpus.language(config.locale),
            now,
            self.devices,
            times=[now - i * 1000 for i in range(count)],
            seed=f"voice-{config.seed}-arrivals-{self._arrivals}",
        )
        store.add(fresh)
        return [r.key for r in fresh]

    def settle(self) -> None:
        """Finish the deletions whose time has come. Called before every read, so the store
        changes exactly when a real backend would have finished."""
        now = time.monotonic()
        for deletion in self.deletions.values():
            if not deletion.done and deletion.due <= now:
                gone = self.stores[deletion.kind].delete(deletion.keys)
                deletion.deleted = self._deleted(deletion.kind, gone)
                deletion.done = True
                deletion.keys = set()

    def pending_keys(self, kind: str) -> set[str]:
        out: set[str] = set()
        for d in self.deletions.values():
            if not d.done and d.kind == kind:
                out |= d.keys
        return out

    def delete_now(self, kind: str, keys: set[str]) -> int:
        return self._deleted(kind, self.stores[kind].delete(keys))

    def delete_later(self, kind: str, records: list[Record], delay_s: float) -> Deletion:
        self._next_id += 1
        deletion = Deletion(
            id=f"del-{self._next_id:06d}",
            kind=kind,
            keys={r.key for r in records},
            requested=len(records),
            due=time.monotonic() + delay_s,
        )
        self.deletions[deletion.id] = deletion
        self.settle()  # a zero delay completes at once
        return deletion


def now_ms(config: MockConfig) -> int:
    """The site's "now": the configured one, or the real clock."""
    moment = config.now or datetime.now().astimezone()
    return int(moment.timestamp() * 1000)


def generate(config: MockConfig) -> HistoryData:
    """The seeded data for `config`: the same seed, counts and now give the same records."""
    lang = corpus.language(config.locale)
    now = now_ms(config)
    rng = random.Random(f"devices-{config.seed}")
    devices = [
        Device(
            name=name,
            entity_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            device_type=device_type,
            serial=prefix + "".join(rng.choice("0123456789ABCDEF") for _ in range(10)),
        )
        for name, device_type, prefix in corpus.DEVICES[lang]
    ]
    stores = {
        VOICE: HistoryStore(_voice(config, lang, now, devices)),
        SOUNDS: HistoryStore(
            _simple(config, SOUNDS, config.sounds_count, corpus.SOUNDS[lang], now, devices[:3])
        ),
        SMART_HOME: HistoryStore(
            _simple(
                config, SMART_HOME, config.smart_home_count, corpus.SMART_HOME[lang], now, devices
            )
        ),
    }
    return HistoryData(stores=stores, devices=devices, now_ms=now)


def _timestamps(rng: random.Random, count: int, now: int, config: MockConfig) -> list[int]:
    """`count` distinct times over the last three years, denser lately, with a few today and
    yesterday (by the server's local clock) so that the default "Today" view is never empty."""
    moment = config.now or datetime.now().astimezone()
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    today_start = int(midnight.timestamp() * 1000)
    yesterday_start = int((midnight - timedelta(days=1)).timestamp() * 1000)
    few = min(count, max(3, count // 100)) if count >= 10 else 0
    windows = [
        (today_start, now, few),
        (yesterday_start, today_start - 1, few),
        (now - 30 * _DAY_MS, now, count * 15 // 100),
    ]
    windows.append((now - _YEARS_MS, now, count - sum(n for _, _, n in windows)))
    seen: set[int] = set()
    for lo, hi, n in windows:
        for _ in range(max(0, n)):
            t = rng.randint(lo, max(lo, hi))
            while t in seen:
                t -= 1
            seen.add(t)
    return sorted(seen)


def _voice(
    config: MockConfig,
    lang: str,
    now: int,
    devices: list[Device],
    *,
    times: list[int] | None = None,
    seed: str | None = None,
) -> list[Record]:
    rng = random.Random(seed or f"voice-{config.seed}")
    utterances = corpus.UTTERANCES[lang]
    replacements = corpus.REPLACEMENTS[lang]
    types = [t for t, _ in _UTTERANCE_TYPES]
    cumulative = list(itertools.accumulate(w for _, w in _UTTERANCE_TYPES))
    out = []
    for ts in _timestamps(rng, config.recordings, now, config) if times is None else times:
        device = rng.choice(devices)
        u = rng.choice(utterances)
        utype = rng.choices(types, cum_weights=cumulative)[0]
        text = replacements.get(utype, u.transcript)
        general = utype == "GENERAL"
        out.append(
            Record(
                key=f"{DEMO_CUSTOMER_ID}#{ts}#{device.device_type}#{device.serial}",
                timestamp=ts,
                kind=VOICE,
                device=device,
                profile=rng.choice(corpus.PROFILES) if general else None,
                utterance_type=utype,
                text=text,
                response=u.response if general else "",
                domain=u.domain if general else None,
                intent=u.intent if general else None,
                skill=u.skill if general else None,
                uid=_utterance_id(rng, ts, device),
                has_audio=rng.random() >= config.no_audio_fraction,
            )
        )
    return out


def _simple(
    config: MockConfig, kind: str, count: int, texts: list[str], now: int, devices: list[Device]
) -> list[Record]:
    rng = random.Random(f"{kind}-{config.seed}")
    out = []
    for ts in _timestamps(rng, count, now, config):
        device = rng.choice(devices)
        out.append(
            Record(
                key=f"{DEMO_CUSTOMER_ID}#{ts}#{device.device_type}#{device.serial}",
                timestamp=ts,
                kind=kind,
                device=device,
                profile=None,
                utterance_type=RECORD_TYPES[kind],
                text=rng.choice(texts),
                response="",
                domain=None,
                intent=None,
                skill=None,
                uid=_utterance_id(rng, ts, device),
                has_audio=False,
            )
        )
    return out


def _utterance_id(rng: random.Random, ts: int, device: Device) -> str:
    # The shape of Alexa's utterance ids: type, UTC date path, serial, time, a UUID-like tail.
    # It contains "/" and ":" on purpose: clients must URL-encode it. Formatted by hand
    # because datetime and uuid cost a second at 100,000 records.
    t = time.gmtime(ts // 1000)
    h = f"{rng.getrandbits(128):032x}"
    return (
        f"{device.device_type}:1.0/{t.tm_year}/{t.tm_mon:02d}/{t.tm_mday:02d}/{t.tm_hour:02d}/"
        f"{device.serial}/{t.tm_min:02d}:{t.tm_sec:02d}::TNIH_2V."
        f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}LPM"
    )
