"""The phases of an Alexa command, as a person sees them: signing in, listing a history, its
audio, checking the export, deleting, setting auto-delete.

The command says when a phase begins and ends (alexa/terminal.py shows them); what happens
inside one is counted from the runner's events (Runner.listeners): steps begun, running
requests that report each page of records they have listed, steps finished. What a phase
looks at is the kind of step and its details, never a flow's labels, so a mended flow keeps
its progress. Every number is what the site showed or what was saved on disk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicewipe.runner.context import StepRecord


@dataclass
class Phase:
    """A phase with nothing to count: its title while it lasts ("checking the voice export")."""

    title: str
    total: int | None = None  # what `done` counts towards, when known
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    def seen(self, record: StepRecord) -> str | None:
        """Count what this step did; a line worth saying on its own, if any."""
        return None

    def status(self) -> str:
        """What the phase has done so far, in words."""
        return self.title

    @property
    def share(self) -> float | None:
        """How far along it is (0 to 1), when there is a total."""
        if not self.total:
            return None
        return min(self.done / self.total, 1.0)


def _listed(record: StepRecord) -> int | None:
    """The records a running (or finished) request has listed so far, if it lists them."""
    if record.kind != "request" or "items" not in record.details:
        return None
    return int(record.details["items"])


@dataclass
class Listing(Phase):
    """Records listed from the site: windows listed side by side add up."""

    words: str = "records"
    windows: dict[int, int] = field(default_factory=dict)  # records listed, by request step

    def seen(self, record: StepRecord) -> str | None:
        items = _listed(record)
        if items is not None:
            self.windows[record.number] = items
            self.done = sum(self.windows.values())
        return None

    def status(self) -> str:
        return f"{self.title}: {self.done:,} {self.words}"


@dataclass
class Audio(Phase):
    """Audio downloads: how many of `total` (which grows while the listing goes on), the
    megabytes saved on disk, the rate and the time left at that rate."""

    saved_bytes: int = 0

    def seen(self, record: StepRecord) -> str | None:
        if record.kind == "download" and record.outcome == "ok":
            self.done += 1
            self.saved_bytes += int(record.details.get("size", 0))
        return None

    def status(self) -> str:
        took = max(time.monotonic() - self.started, 1e-3)
        mb = self.saved_bytes / 1e6
        words = (
            f"{self.title}: {self.done:,} of {self.total or 0:,}, {mb:.1f} MB, {mb / took:.2f} MB/s"
        )
        left = (self.total or 0) - self.done
        if self.done and left > 0:
            words += f", about {_duration(left * took / self.done)} left"
        return words


@dataclass
class Deleting(Phase):
    """A delete flow: the records its check lists (what the filters cover), then, once a
    destructive step has acted, how many of them are gone, from each read-back of the range."""

    acted: bool = False
    windows: dict[int, int] = field(default_factory=dict)

    def seen(self, record: StepRecord) -> str | None:
        items = _listed(record)
        if record.destructive and record.outcome == "ok" and not self.acted:
            self.acted, self.total, self.done = True, self.done, 0
        elif items is not None and not self.acted:
            self.windows[record.number] = items
            self.done = sum(self.windows.values())
        elif items is not None and record.outcome == "ok":
            self.done = max((self.total or 0) - items, 0)
        return None

    def status(self) -> str:
        if not self.acted:
            return f"{self.title}: listing what to delete, {self.done:,} so far"
        return f"{self.title}: {self.done:,} of {self.total or 0:,} gone (read back)"


# What each secret the sign-in types is, by its name: the inputs the commands give the flow
# (password, totp_secret) and a prompt's `into` when the person typed it.
_SECRETS = (("code", "one-time code"), ("totp", "one-time code"), ("password", "password"))


@dataclass
class SigningIn(Phase):
    """The sign-in: each page it answers, said as it is answered."""

    title: str = "signing in"

    def seen(self, record: StepRecord) -> str | None:
        if record.kind != "fill" or record.outcome != "ok":
            return None
        secret = str(record.details.get("secret", ""))
        if not secret:
            return f"{self.title}: e-mail address entered"
        what = next((words for key, words in _SECRETS if key in secret), "a secret")
        return f"{self.title}: {what} entered"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


__all__ = ["Audio", "Deleting", "Listing", "Phase", "SigningIn"]
