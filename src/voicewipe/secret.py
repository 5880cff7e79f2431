"""Secret values: passwords and one-time codes that are filled in at the last moment.

A Secret carries its value privately and shows itself only as a marker: str(), repr() and
templates all refuse to print it, and templates cannot reach its attributes. Only a step that
types into a page (fill) calls reveal(), at the moment of typing. Creating a Secret registers
its value with the redaction filter, so even a value that escaped some other way is scrubbed
from logs, run.json and the report.
"""

from __future__ import annotations

from typing import Final

from voicewipe import redact


class SecretLeak(Exception):
    """A template tried to turn a secret into text."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Secret:
    __slots__ = ("_value", "name", "origins")

    def __init__(self, name: str, value: str, *, origins: tuple[str, ...] = ()) -> None:
        self.name: Final = name
        self._value: Final = value
        # Where it may be typed (scheme://host[:port]); empty: any origin the flow may visit.
        # Set by whoever made the secret (the marketplace's sign-in hosts), never by a flow.
        self.origins: Final = origins
        redact.register(value)

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        # Reached when a template puts a secret inside a longer string: refuse, loudly.
        raise SecretLeak(self.name)

    def __format__(self, spec: str) -> str:
        raise SecretLeak(self.name)

    def __repr__(self) -> str:
        return f"<secret {self.name}>"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> str:
        raise TypeError("a secret cannot be pickled")
