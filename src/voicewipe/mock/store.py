"""One kind's records: served a page at a time, and deleted.

Records of one kind live in one list sorted by (timestamp, recordKey), with a parallel list of
those sort keys for bisect: a page of the JSON endpoint is a slice found in O(log n), and a
pagination cursor is simply the sort key of the last record sent, so every record is reached
exactly once even while others are being deleted. Nothing here renders or knows HTTP.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import Any

from voicewipe.mock.records import Record, SortKey

# Which records a filter keeps besides the devices (a profile filter), or None: all.
Keep = Callable[[Record], bool] | None


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
        keep: Keep = None,
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
            if keep is not None and not keep(record):
                continue
            if len(out) == limit:  # one more match exists: there is a next page
                return out, out[-1].sort_key
            out.append(record)
        return out, None

    def matching(
        self, start: int, end: int, devices: frozenset[str] | None, keep: Keep = None
    ) -> list[Record]:
        lo = bisect.bisect_left(self._keys, (start, ""))
        hi = bisect.bisect_left(self._keys, (end + 1, ""))
        chosen = self._records[lo:hi]
        if devices is not None:
            chosen = [r for r in chosen if r.device.entity_id in devices]
        if keep is not None:
            chosen = [r for r in chosen if keep(r)]
        return chosen

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
