"""Expected failures and the exit codes they map to.

Every error a person can cause (a bad flow, a wrong option, a page that changed) is a
VoicewipeError: the CLI prints it as one line and exits with its code. Anything else is a bug,
and its traceback goes to the log file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal


class ExitCode(IntEnum):
    """The process exit codes, documented in the README."""

    OK = 0
    STEP_FAILED = 1
    INVALID = 2
    PERSON_NEEDED = 3
    REFUSED = 4
    HUNG_UP = 129  # SIGHUP: the terminal went away
    INTERRUPTED = 130  # SIGINT: Ctrl-C
    TERMINATED = 143  # SIGTERM: `systemctl stop`, `timeout`, `kill`


@dataclass(frozen=True)
class Location:
    """A place in a flow file: where a step or a value came from."""

    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class VoicewipeError(Exception):
    """Base of all expected failures. str(error) is the one-line message shown to a person."""

    exit_code: ExitCode = ExitCode.STEP_FAILED

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        # Set once the runner has recorded the failure and put the step, URL and screenshot
        # into the message, so that the steps enclosing it (when, call, ...) don't do it again.
        self.reported = False
        self.step_number: int | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class UsageError(VoicewipeError):
    """Wrong options or arguments on the command line."""

    exit_code = ExitCode.INVALID


class FlowError(VoicewipeError):
    """A flow file that cannot be loaded: bad YAML, a schema error, an unknown variable."""

    exit_code = ExitCode.INVALID


ErrorKind = Literal[
    "not_found",
    "ambiguous",
    "timeout",
    "expectation",
    "http",
    "network",
    "template",
    "origin",
    "page",
    "failed",
]


class StepFailed(VoicewipeError):
    """A step did not do what it should at run time (element missing, expectation unmet).

    `kind` lets a retry step choose which failures to retry; `status` is the HTTP status of a
    failed request.
    """

    exit_code = ExitCode.STEP_FAILED

    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind = "failed",
        status: int | None = None,
        location: Location | None = None,
    ) -> None:
        super().__init__(message, location=location)
        self.kind: ErrorKind = kind
        self.status = status


class SiteFailing(StepFailed):
    """The site kept failing (5xx, no answer) through every retry: signing in again or
    running the flow again would only meet it again, so the run stops."""


class PersonNeeded(VoicewipeError):
    """The site wants a person (CAPTCHA, approval) and nobody can answer in this run."""

    exit_code = ExitCode.PERSON_NEEDED


class SafetyRefusal(VoicewipeError):
    """voicewipe refuses an action that could lose data or leak a secret."""

    exit_code = ExitCode.REFUSED


class Interrupted(VoicewipeError):
    """A signal stopped the run (Ctrl-C, SIGTERM, SIGHUP); its exit code is 128 + the signal's
    number, as a shell reports it."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self, message: str, *, exit_code: ExitCode = ExitCode.INTERRUPTED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class BrowserNotFound(VoicewipeError):
    """No browser to drive; the message says what to install."""

    exit_code = ExitCode.INVALID


class TemplateProblem(Exception):
    """A template that cannot be parsed or rendered; the caller adds the location (and turns
    it into a FlowError or a StepFailed)."""


class Unclassified(VoicewipeError):
    """A capture holding something the scrubber's rules do not classify (capture/scrub.py),
    or a value a check found left: nothing is written. The message says what and where, never
    the value; `problems` holds every one."""

    exit_code = ExitCode.STEP_FAILED

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(problems[:3])
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        super().__init__(
            f"capture not written: {len(problems)} thing(s) the scrubber could not classify: "
            f"{shown}{more}"
        )
