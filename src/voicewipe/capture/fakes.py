"""The fakes: one per real value, the same wherever the value appears, made in the order the
values were met.

A fake is drawn from its value's kind and the value's place in that order, never from the
value: nothing in a capture can be hashed back to a guess (a transcript someone suspects, a
password that keyed the fakes), and two captures of the same account met in the same order
get the same fakes, so they diff cleanly. Ids keep their shape: each run of letters and digits
is replaced by one of the same length and classes, the same run by the same replacement in
every id (the customer id inside a record key is the customer id's fake), with times, types
and the words that say what an id is kept. Tokens (CSRF, paging, cookies) are replaced whole
by one of the same shape; transcripts and replies by words of the same length; names and
device names by invented ones; e-mail addresses by addresses at example.invalid.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable

# Ids of parts (customer id, time, device type, serial; a person id's words and code): each
# part is replaced on its own, the same part by the same fake in every id, so the customer id
# inside a record key is the customer id's fake and an id reads the same URL-encoded or not.
ID_KINDS = frozenset(
    {
        "record-key",
        "utterance-id",
        "customer-id",
        "person-id",
        "device-id",
        "device-serial",
        "request-id",
    }
)
# Opaque tokens: replaced whole, by one of the same length and character classes.
TOKEN_KINDS = frozenset({"token", "csrf", "cookie"})
WORD_KINDS = frozenset({"text", "reply", "name", "device-name"})  # matched as whole words
SHORT_PART = 3  # shorter parts of ids are kept: two characters say nothing of an id
FAKE_DOMAIN = "example.invalid"
_PART = re.compile(r"[A-Za-z0-9]+")
_LOREM = re.findall(
    r"\w+",
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco "
    "laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate "
    "velit esse cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident",
)
_KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロ"
_SYLLABLES = ("ka", "lo", "mi", "ra", "te", "no", "vi", "su", "pe", "da", "ri", "zo")


def _wide(value: str) -> bool:
    """Text mostly in a script without spaces between words (Japanese)."""
    return sum(ord(c) > 0x2FF for c in value) * 2 > len(value)


def generated_text(value: str, seed: str) -> str:
    """Words that are not the value's, exactly as long (in characters)."""
    rng = random.Random(seed)
    size = len(value)
    if _wide(value):
        return "".join(rng.choice(_KANA) for _ in range(size))
    words: list[str] = []
    while len(" ".join(words)) < size:
        words.append(rng.choice(_LOREM))
    out = " ".join(words)[:size]
    return out[:-1] + "a" if out.endswith(" ") else out


def _name(value: str, seed: str) -> str:
    rng = random.Random(seed)
    if _wide(value):
        return "".join(rng.choice(_KANA) for _ in value)
    out = ""
    while len(out) < len(value):
        out += rng.choice(_SYLLABLES)
    return out[: len(value)].capitalize()


def _shaped(part: str, rng: random.Random) -> str:
    """A run of the same length and character classes (hex stays hex)."""
    hexed = all(c in string.hexdigits for c in part)
    out = []
    for c in part:
        if c.isdigit():
            out.append(rng.choice(string.digits))
        elif c.isupper():
            out.append(rng.choice("ABCDEF" if hexed else string.ascii_uppercase))
        else:
            out.append(rng.choice("abcdef" if hexed else string.ascii_lowercase))
    return "".join(out)


class Fakes:
    """Real value -> fake, and the kind each value was first met as."""

    def __init__(self, keep: Iterable[str] = ()) -> None:
        self.table: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self._parts: dict[str, str] = {}
        self._part_fakes: set[str] = set()
        self._real_parts: set[str] = set()
        self.part_kinds: dict[str, str] = {}  # a part -> the kind of the id it was first in
        self._keep = set(keep)
        self._counts: dict[str, int] = {}
        self._fakes: set[str] = set()
        self._joined = ""

    def keep(self, value: str) -> None:
        """A value the site shows everyone (a time, a device type): kept inside ids."""
        self._keep.add(value)

    def add(self, kind: str, value: str) -> None:
        """A real value met, of `kind` (the first kind it was met as counts)."""
        self.kinds.setdefault(value, kind)

    def build(self) -> None:
        """Every value's fake, in the order the values were met: once all were, so that a
        time or a type met after an id that holds it is still kept in that id, and no fake is
        another real value (which a check would then find left)."""
        self._real_parts = {
            part
            for value, kind in self.kinds.items()
            if kind in ID_KINDS
            for part in _PART.findall(value)
        }
        for value, kind in self.kinds.items():
            if value not in self.table:
                self.table[value] = self._fake(kind, value)

    def _fake(self, kind: str, value: str) -> str:
        number = self._counts.get(kind, 0) + 1
        self._counts[kind] = number
        fake = self._made(kind, value, number)
        # An id's fake is its parts' (an id of kept parts only is its own fake); any other
        # fake that clashes (short values) is drawn again.
        while kind not in ID_KINDS and (fake == value or fake in self._fakes or fake in self.kinds):
            number += 1000
            fake = self._made(kind, value, number)
        self._fakes.add(fake)
        self._joined = ""
        return fake

    def is_fake(self, text: str) -> bool:
        """The text is a fake, or part of one."""
        if not self._joined:
            self._joined = "\0".join(sorted(self._fakes))
        return text in self._fakes or text in self._joined

    def _made(self, kind: str, value: str, number: int) -> str:
        seed = f"{kind}:{number}"
        if kind == "email":
            return f"person{number}@{FAKE_DOMAIN}"
        if kind == "name":
            return _name(value, seed)
        if kind == "device-name":
            return f"Device {number}"
        if kind in ("text", "reply"):
            return generated_text(value, seed)
        if kind in ID_KINDS:
            return _PART.sub(lambda m: self._part(m.group(), kind), value)
        # a token (and any kind to come): the same shape, drawn whole
        rng = random.Random(seed)
        return _PART.sub(lambda m: _shaped(m.group(), rng), value)

    def _part(self, part: str, kind: str) -> str:
        kept = len(part) < SHORT_PART or part in self._keep or (part.isdigit() and len(part) <= 4)
        if kept:
            return part
        if part not in self._parts:
            rng = random.Random(f"part:{len(self._parts) + 1}")
            fake = _shaped(part, rng)
            while fake in self._real_parts or fake in self._part_fakes:
                fake = _shaped(part, rng)
            self._parts[part] = fake
            self._part_fakes.add(fake)
            self.part_kinds[part] = kind
        return self._parts[part]

    def parts(self) -> dict[str, str]:
        """The runs of ids replaced (real -> fake): searched for on their own too."""
        return dict(self._parts)
