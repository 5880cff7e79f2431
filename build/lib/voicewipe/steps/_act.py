"""Shared by the interaction steps: run a Playwright action and explain its failure in one line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from voicewipe.errors import ErrorKind, StepFailed

T = TypeVar("T")


async def act(what: str, action: Callable[[], Awaitable[T]]) -> T:
    try:
        return await action()
    except PlaywrightTimeout as error:
        reason = _first_line(error.message)
        raise StepFailed(f"could not {what}: {reason}", kind="timeout") from None
    except PlaywrightError as error:
        reason = _first_line(error.message)
        kind: ErrorKind = "ambiguous" if "strict mode violation" in reason else "page"
        raise StepFailed(f"could not {what}: {reason}", kind=kind) from None


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"


def ms(seconds: float) -> float:
    return seconds * 1000
