"""The differences of one page between two captures: selectors renamed, gone and new, a radio
group's values, labels reworded, gone and new (inventory.py says what they are).

Selectors gone from one page and new in the other are paired as renames when they sit on the
same kind of element in the same place, show the same label, or hold the same fixed values:
a redesign renames and keeps the page's shape. Labels are compared through those renames, so
a renamed element whose text changed too is one rename and one rewording.

A list empty in one capture (no recordings today) leaves its rows nothing to be compared with,
and the page in another state ("no records" where the other says "end of list"): what that
explains, unless the flows rely on it, is a note.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from voicewipe.capture.diff_compare import Change
from voicewipe.capture.diff_usage import Usage
from voicewipe.capture.inventory import Identity, Label, PageInventory, Selector, quoted

Signature = Callable[[Selector], Hashable]
_NAMED = 6  # selectors named in one note


def _by_place(s: Selector) -> Hashable:
    return (s.kind, s.tag, s.path, s.order)


def _by_label(s: Selector) -> Hashable:
    return (s.kind, s.tag, s.role, s.text) if s.text else None


def _by_values(s: Selector) -> Hashable:
    return (s.kind, s.tag, s.values) if s.values else None


def _by_label_any(s: Selector) -> Hashable:
    # An id that became a class (or the other way), on a button that says the same.
    return (s.tag, s.role, s.text) if s.text and s.kind in ("id", "class") else None


def _pair(gone: list[Selector], new: list[Selector]) -> list[tuple[Selector, Selector]]:
    """Renames: a gone and a new selector that one signature names alone, tried in order."""
    pairs = []
    for signature in (_by_place, _by_label, _by_values, _by_label_any):
        olds: dict[Hashable, list[Selector]] = {}
        news: dict[Hashable, list[Selector]] = {}
        for s in gone:
            olds.setdefault(signature(s), []).append(s)
        for s in new:
            news.setdefault(signature(s), []).append(s)
        for key, before in olds.items():
            after = news.get(key, [])
            if key is not None and len(before) == 1 and len(after) == 1:
                pairs.append((before[0], after[0]))
                gone.remove(before[0])
                new.remove(after[0])
    return pairs


class PageDiff:
    """One page of two captures, compared."""

    def __init__(self, old: PageInventory, new: PageInventory, usage: Usage) -> None:
        self.old, self.new, self.usage = old, new, usage
        self.gone = [s for k, s in old.selectors.items() if k not in new.selectors]
        self.added = [s for k, s in new.selectors.items() if k not in old.selectors]
        self.pairs = _pair(self.gone, self.added)  # takes the pairs out of gone and added
        self.forward = {a.token: b.token for a, b in self.pairs}
        self.back = {b: a for a, b in self.forward.items()}

    def changes(self) -> list[Change]:
        if self.old.error or self.new.error:
            sides = (("OLD", self.old.error), ("NEW", self.new.error))
            said = "; ".join(f"{side}: {error}" for side, error in sides if error)
            return [Change("not compared", f"the page could not be opened ({said})")]
        status = []
        if self.old.status != self.new.status:
            status.append(Change("status", f"{self.old.status} -> {self.new.status}"))
        labels = self._labels()
        return [
            *status,
            *self._renames(),
            *self._unpaired(),
            *self._values(),
            *labels,
            *self._flows_labels(labels),
        ]

    def _renames(self) -> list[Change]:
        changes = []
        for before, after in self.pairs:
            used = tuple(self.usage.selector(before.token))
            what = f"{before.token} -> {after.token} ({after.describe()})"
            # A row's class paired by its place may be two kinds of record, not a rename.
            changes.append(Change("renamed", what, used, bool(used) or not before.in_list))
        return changes

    def _emptied(self, s: Selector, own: PageInventory, other: PageInventory) -> str:
        """The list holding a selector, when it is empty in the other capture."""
        moved = self.forward if own is self.old else self.back
        for above in s.within:
            there = moved.get(above, above)
            if there in other.selectors and there in other.empty and above not in own.empty:
                return there
        return ""

    def _unpaired(self) -> list[Change]:
        changes = []
        unseen: dict[str, list[Selector]] = {}  # "#list is empty in NEW" -> its rows' selectors
        for kind, side, own, other in (
            ("gone", self.gone, self.old, self.new),
            ("new", self.added, self.new, self.old),
        ):
            for s in side:
                empty = self._emptied(s, own, other)
                if empty:
                    where = "NEW" if own is self.old else "OLD"
                    unseen.setdefault(f"{empty} is empty in {where}", []).append(s)
                    continue
                used = tuple(self.usage.selector(s.token))
                what = f"{s.token} ({s.describe()})"
                changes.append(Change(kind, what, used, bool(used) or not s.in_list))
        for said, rows in unseen.items():
            names = ", ".join(s.token for s in rows[:_NAMED])
            more = f" +{len(rows) - _NAMED}" if len(rows) > _NAMED else ""
            used = tuple(ref for s in rows for ref in self.usage.selector(s.token))
            what = f"{said}: {len(rows)} selectors of its rows not compared ({names}{more})"
            changes.append(Change("not seen", what, used, False))
        return changes

    def _values(self) -> list[Change]:
        both = [
            (s, self.new.selectors[k])
            for k, s in self.old.selectors.items()
            if k in self.new.selectors
        ]
        changes = []
        for before, after in [*both, *self.pairs]:
            used = tuple(self.usage.selector(after.token))
            for kind, values in (
                ("values gone", before.values - after.values),
                ("values new", after.values - before.values),
            ):
                if values:
                    what = f"{after.token}: {', '.join(sorted(values))}"
                    changes.append(Change(kind, what, used))
        return changes

    def _another_state(self) -> bool:
        """A list empty in one capture and not in the other: the page is in another state."""
        return any(
            (token in self.old.empty) != (self.forward.get(token, token) in self.new.empty)
            for token in self.old.selectors
            if self.forward.get(token, token) in self.new.selectors
        )

    def _used(self, label: Label, text: str) -> tuple[str, ...]:
        refs = self.usage.label(text)
        for part in label.identity[2:]:
            if part.startswith(("#", ".", "[")):
                refs.extend(self.usage.selector(self.back.get(part, part)))
        return tuple(refs)

    def _labels(self) -> list[Change]:
        moved: dict[Identity, Label] = {
            tuple(self.forward.get(part, part) for part in identity): label
            for identity, label in self.old.labels.items()
        }
        # In another state, a label the flows do not look for may be the state's: a note.
        state = self._another_state()
        changes = []
        for identity, before in moved.items():
            after = self.new.labels.get(identity)
            if after is None or before.text is None or after.text is None:
                continue
            if before.text != after.text:
                what = f"{after.describe}: {quoted(before.text)} -> {quoted(after.text)}"
                used = self._used(before, before.text)
                changes.append(Change("reworded", what, used, bool(used) or not state))
        for kind, ours, theirs in (
            ("label gone", moved, self.new.labels),
            ("label new", self.new.labels, moved),
        ):
            unpaired = {s.token for s in (self.gone if ours is moved else self.added)}
            for identity, label in ours.items():
                if identity in theirs or label.text is None or unpaired & set(identity):
                    continue  # an element gone or new is said once, by its selector
                used = self._used(label, label.text)
                what = f"{label.describe}: {quoted(label.text)}"
                changes.append(Change(kind, what, used, bool(used) or not (label.in_list or state)))
        return changes

    def _flows_labels(self, said: list[Change]) -> list[Change]:
        """The language file's labels that the old page showed and the new one shows nowhere,
        where no change above says so already: what a flow looks for by its words."""
        # Every text shown, a list's options too (several texts on one kind of element).
        before = {text for label in self.old.labels.values() for text in label.texts}
        after = {text for label in self.new.labels.values() for text in label.texts}
        changes = []
        for text in self.usage.texts():
            if text in before and text not in after and not any(repr(text) in c.what for c in said):
                what = f"{quoted(text)} is on no element of the page any more"
                changes.append(Change("flows' label gone", what, tuple(self.usage.label(text))))
        return changes


def compare_pages(old: PageInventory, new: PageInventory, usage: Usage) -> list[Change]:
    """What changed on one page between two captures."""
    return PageDiff(old, new, usage).changes()
