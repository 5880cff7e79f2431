"""The mock's history data: the three histories, the deletions in flight, what was deleted.

The records are seeded (seeding.py: the same seed, counts and now give the same records) and
each kind is served from its store (store.py). Nothing here renders or knows HTTP. The names
the routes use (kinds, records, the store) are importable from here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from voicewipe.mock import corpus
from voicewipe.mock.config import MockConfig
from voicewipe.mock.plus_data import plus_records
from voicewipe.mock.records import (
    ALEXA_PLUS,
    KINDS,
    PAGE_TYPES,
    RECORD_TYPES,
    SMART_HOME,
    SOUNDS,
    VOICE,
    Device,
    Record,
    SortKey,
)
from voicewipe.mock.seeding import now_ms, seeded_devices, simple_records, voice_records
from voicewipe.mock.store import HistoryStore

__all__ = [
    "ALEXA_PLUS",
    "KINDS",
    "PAGE_TYPES",
    "RECORD_TYPES",
    "SMART_HOME",
    "SOUNDS",
    "VOICE",
    "Deletion",
    "Device",
    "HistoryData",
    "HistoryStore",
    "Record",
    "SortKey",
    "generate",
    "now_ms",
]


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
    deleted: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*KINDS, ALEXA_PLUS), 0))
    deleted_keys: dict[str, list[str]] = field(
        default_factory=lambda: {k: [] for k in (*KINDS, ALEXA_PLUS)}
    )
    # Said but not yet in the JSON (publish_delay_s): (when they appear, the records).
    unpublished: list[tuple[float, list[Record]]] = field(default_factory=list)
    _next_id: int = 0
    _arrivals: int = 0

    def _deleted(self, kind: str, keys: set[str]) -> int:
        self.deleted[kind] += len(keys)
        self.deleted_keys[kind].extend(sorted(keys))
        return len(keys)

    def arrive(
        self, config: MockConfig, count: int, late_ms: int = 0, ago_ms: int = 0
    ) -> list[str]:
        """`count` new voice recordings, one a second up to the real clock's now; with
        `late_ms`, said that long before the newest record (reaching the history late); with
        `ago_ms`, the newest said that long before the real clock's now."""
        self._arrivals += 1
        store = self.stores[VOICE]
        waiting = [r.timestamp for _, batch in self.unpublished for r in batch]
        newest = max([*(r.timestamp for r in store), *waiting], default=0)
        now = max(int(time.time() * 1000), newest + count * 1000 + 1)
        if late_ms:
            now = newest - late_ms
        if ago_ms:
            now = int(time.time() * 1000) - ago_ms
        fresh = voice_records(
            config,
            corpus.language(config.locale),
            now,
            self.devices,
            times=[now - i * 1000 for i in range(count)],
            seed=f"voice-{config.seed}-arrivals-{self._arrivals}",
        )
        if config.publish_delay_s:
            self.unpublished.append((time.monotonic() + config.publish_delay_s, fresh))
        else:
            store.add(fresh)
        return [r.key for r in fresh]

    def settle(self) -> None:
        """Finish the deletions whose time has come. Called before every read, so the store
        changes exactly when a real backend would have finished."""
        now = time.monotonic()
        if self.unpublished:
            due = [r for when, batch in self.unpublished if when <= now for r in batch]
            self.unpublished = [(w, b) for w, b in self.unpublished if w > now]
            if due:
                self.stores[VOICE].add(due)
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


def generate(config: MockConfig) -> HistoryData:
    """The seeded data for `config`: the same seed, counts and now give the same records."""
    lang = corpus.language(config.locale)
    now = now_ms(config)
    devices = seeded_devices(config, lang)
    stores = {
        VOICE: HistoryStore(voice_records(config, lang, now, devices)),
        SOUNDS: HistoryStore(
            simple_records(
                config, SOUNDS, config.sounds_count, corpus.SOUNDS[lang], now, devices[:3]
            )
        ),
        SMART_HOME: HistoryStore(
            simple_records(
                config, SMART_HOME, config.smart_home_count, corpus.SMART_HOME[lang], now, devices
            )
        ),
    }
    if config.alexa_plus:  # its own seed: the other histories are the same with it or not
        stores[ALEXA_PLUS] = HistoryStore(plus_records(config, lang, now, devices))
    return HistoryData(stores=stores, devices=devices, now_ms=now)
