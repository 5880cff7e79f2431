"""A word when it matters: `--notify URL` sends a message when a command starts and when it
ends (done, or failed with its one-line reason and what to run next).

Two kinds of URL:

- http:// and https:// are ping URLs in the way of Healthchecks (hc-ping.com, or a
  self-hosted one): `URL/start` when the command starts, `URL` when it succeeds, `URL/fail`
  when it fails, each a POST whose body is the message; the service alerts when a ping is
  missing or says fail, which also covers a machine that never ran the job at all.
- any other scheme goes to Apprise (ntfy://topic, ntfys://host/topic, json://host/path for a
  webhook that takes JSON, mailto://, discord://, tgram:// and about a hundred more), which
  knows each service's API, authentication and limits better than we would.

A notification never changes the command's outcome: one that cannot be delivered is one line
on stderr and in the log. What is sent goes through the redaction filter, and the URLs
themselves (their tokens, a ping URL's secret id) are never logged: only scheme and host.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from loguru import logger

from voicewipe.errors import ExitCode, UsageError, VoicewipeError
from voicewipe.redact import redact

Event = Literal["start", "success", "failure"]
TIMEOUT_S = 10.0  # per URL: a service that does not answer must not hold a nightly run

# The summary of the command that is running, for the message at its end (set by the Alexa
# commands once they have one; a context variable, so concurrent tests do not mix them).
_SUMMARY: ContextVar[str | None] = ContextVar("voicewipe_notify_summary", default=None)


def tell_summary(text: str) -> None:
    """The command's summary, sent with its success or failure."""
    _SUMMARY.set(text)


def where(url: str) -> str:
    """What may be shown of a URL: its scheme and host (the rest can be a secret)."""
    parts = urlsplit(url)
    host = parts.hostname or parts.netloc.rpartition("@")[2] or parts.path.split("/")[0]
    return f"{parts.scheme}://{host}"


@dataclass(frozen=True)
class Message:
    event: Event
    title: str
    body: str


def next_step(error: VoicewipeError, command: str, account: str | None) -> str:
    """What a person should run after a failure of this kind."""
    who = f" --account {account}" if account else ""
    code = error.exit_code
    if code == ExitCode.PERSON_NEEDED:
        return f"sign in at a screen: voicewipe login --headed{who}"
    if code in (ExitCode.INTERRUPTED, ExitCode.TERMINATED, ExitCode.HUNG_UP):
        return f"run the same command again (voicewipe {command})"
    if code == ExitCode.REFUSED:
        return "read the reason above; `voicewipe report --open` shows the run"
    if code == ExitCode.INVALID:
        return "correct the command or the flow named above, then run it again"
    return f"see `voicewipe report --open`, and `voicewipe doctor{who}` if a page changed"


def compose(
    event: Event,
    command: str,
    account: str | None,
    *,
    error: VoicewipeError | None = None,
    summary: str | None = None,
) -> Message:
    """The message for one event, redacted."""
    who = f" for {account}" if account else ""
    if event == "start":
        title, body = f"voicewipe {command} started{who}", f"voicewipe {command} started{who}."
    elif event == "success":
        title = f"voicewipe {command} done{who}"
        body = summary or f"voicewipe {command} finished{who}."
    else:
        assert error is not None
        reason = " ".join(str(error).split())
        title = f"voicewipe {command} FAILED{who} (exit {int(error.exit_code)})"
        body = f"{reason}\nWhat to do: {next_step(error, command, account)}"
        if summary:
            body += f"\n\n{summary}"
    return Message(event, redact(title), redact(body))


@dataclass
class Notifier:
    """Where a command's messages go; checked before the command starts."""

    urls: Sequence[str]
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        for url in self.urls:
            if not _is_ping(url) and not _apprise_knows(url):
                raise UsageError(
                    f"--notify {where(url)}...: not a URL Apprise knows, nor http(s)://; "
                    "e.g. ntfy://TOPIC, json://HOST/PATH or https://hc-ping.com/UUID"
                )

    def send(self, message: Message) -> list[str]:
        """Deliver to every URL; the URLs (scheme and host) that failed, each said once."""
        failed = []
        for url in self.urls:
            try:
                (_ping if _is_ping(url) else _tell_apprise)(url, message, self.run_id)
            except Exception as error:  # any failure to deliver is one line
                reason = redact(" ".join(str(error).split())) or type(error).__name__
                line = f"could not notify {where(url)} of the {message.event}: {reason}"
                logger.warning(f"voicewipe: {line}")
                failed.append(where(url))
            else:
                logger.info(f"notified {where(url)} of the {message.event}")
        return failed


def _is_ping(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


@contextlib.contextmanager
def _apprise() -> Iterator[Any]:
    """The apprise module, with its plugins' import warnings kept quiet: on Python 3.11 and
    3.12 its e-mail plugin imports imghdr, which warns of its removal in 3.13 (Apprise has
    a fallback there); not a warning for our users. Plugins load at first use, hence a
    context around every use, not only the import."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'imghdr' is deprecated", DeprecationWarning)
        import apprise

        yield apprise


def _apprise_knows(url: str) -> bool:
    with _apprise() as apprise:
        return bool(apprise.Apprise().add(url))


def _ping(url: str, message: Message, run_id: str) -> None:
    suffix = {"start": "/start", "success": "", "failure": "/fail"}[message.event]
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, f"rid={run_id}") if q)  # pairs start with end
    address = parts._replace(path=parts.path.rstrip("/") + suffix, query=query).geturl()
    body = f"{message.title}\n{message.body}".encode()
    request = urllib.request.Request(address, data=body, method="POST")
    request.add_header("Content-Type", "text/plain; charset=utf-8")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
        answer.read(1024)


def _tell_apprise(url: str, message: Message, run_id: str) -> None:
    with _apprise() as apprise:
        kinds: dict[Event, Any] = {
            "start": apprise.NotifyType.INFO,
            "success": apprise.NotifyType.SUCCESS,
            "failure": apprise.NotifyType.FAILURE,
        }
        sender = apprise.Apprise()
        sender.add(url)
        told = sender.notify(
            body=message.body, title=message.title, notify_type=kinds[message.event]
        )
    if not told:
        raise OSError("the service did not accept it (the log has Apprise's reason)")


@dataclass
class Outcome:
    """The exit code of what ran inside `around` (a command returns one as well as raising)."""

    code: int = ExitCode.OK


@contextlib.contextmanager
def around(urls: Sequence[str], command: str, account: str | None) -> Iterator[Outcome]:
    """Send the start, then the success or failure of what runs inside."""
    outcome = Outcome()
    if not urls:
        yield outcome
        return
    notifier = Notifier(urls)
    _SUMMARY.set(None)
    notifier.send(compose("start", command, account))
    try:
        yield outcome
    except VoicewipeError as error:
        notifier.send(compose("failure", command, account, error=error, summary=_SUMMARY.get()))
        raise
    except KeyboardInterrupt:
        stopped = VoicewipeError("interrupted before it finished")
        stopped.exit_code = ExitCode.INTERRUPTED
        notifier.send(compose("failure", command, account, error=stopped))
        raise
    except Exception as bug:
        failed = VoicewipeError(f"internal error: {type(bug).__name__} (a bug; see the log)")
        notifier.send(compose("failure", command, account, error=failed))
        raise
    if outcome.code != ExitCode.OK:  # doctor's "not all is fine", say
        failed = VoicewipeError(f"voicewipe {command} ended with exit code {outcome.code}")
        with contextlib.suppress(ValueError):
            failed.exit_code = ExitCode(outcome.code)
        notifier.send(compose("failure", command, account, error=failed, summary=_SUMMARY.get()))
        return
    notifier.send(compose("success", command, account, summary=_SUMMARY.get()))
