"""Turning a flow's selector into a Playwright locator, with fallbacks and multiplicity.

A plain string means visible text. `any_of` waits until one of its alternatives matches and
takes the first in order that does; the run records which. A selector matching several
elements is an error unless it says which one to take (pick: first|last|all, or nth).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page

from voicewipe.errors import StepFailed
from voicewipe.flow.model import Selector, SelectorMap, describe_selector

Render = Callable[[str], str]
_POLL_S = 0.05


@dataclass(frozen=True)
class Located:
    locator: Locator
    description: str  # the selector (for any_of: the alternative) that matched
    count: int


def _build(root: Page | Locator, selector: Selector, render: Render) -> Locator:
    """A locator for one selector, before any fallbacks or picking."""
    if isinstance(selector, str):
        return root.get_by_text(render(selector))
    sel: SelectorMap = selector
    if sel.within is not None:
        root = _build(root, sel.within, render).first
    if sel.text is not None:
        loc = root.get_by_text(render(sel.text), exact=sel.exact)
    elif sel.role is not None:
        name = render(sel.name) if sel.name is not None else None
        loc = root.get_by_role(sel.role, name=name, exact=sel.exact)  # type: ignore[arg-type]
    elif sel.label is not None:
        loc = root.get_by_label(render(sel.label), exact=sel.exact)
    elif sel.placeholder is not None:
        loc = root.get_by_placeholder(render(sel.placeholder), exact=sel.exact)
    elif sel.test_id is not None:
        loc = root.get_by_test_id(render(sel.test_id))
    elif sel.css is not None:
        loc = root.locator(render(sel.css))
    elif sel.xpath is not None:
        loc = root.locator(f"xpath={render(sel.xpath)}")
    else:  # any_of is resolved by locate(); here it means "all alternatives at once"
        assert sel.any_of is not None
        loc = _build(root, sel.any_of[0], render)
        for alternative in sel.any_of[1:]:
            loc = loc.or_(_build(root, alternative, render))
    if sel.has_text is not None:
        loc = loc.filter(has_text=render(sel.has_text))
    if sel.visible is not None:
        loc = loc.filter(visible=sel.visible)
    return loc


def build_locator(page: Page, selector: Selector, render: Render) -> Locator:
    """All elements the selector can match (any_of: all alternatives), without waiting."""
    return _build(page, selector, render)


def build_within(root: Locator, selector: Selector, render: Render) -> Locator:
    """The same, looking only inside `root` (a row of a list, say)."""
    return _build(root, selector, render)


def _pick(selector: Selector, loc: Locator, count: int, description: str, many: bool) -> Locator:
    pick = "one" if isinstance(selector, str) else selector.pick
    if many and pick == "one":
        pick = "all"
    nth = None if isinstance(selector, str) else selector.nth
    if nth is not None:
        if nth >= count:
            raise StepFailed(
                f"{description} matches {count} element(s), so there is no nth: {nth}",
                kind="not_found",
            )
        return loc.nth(nth)
    if pick == "first":
        return loc.first
    if pick == "last":
        return loc.last
    if pick == "all":
        return loc
    if count > 1:
        raise StepFailed(
            f"{description} matches {count} elements; say which with pick: first, last or all, "
            "or nth: N, or make the selector narrower",
            kind="ambiguous",
        )
    return loc


async def _count(loc: Locator) -> int:
    try:
        return await loc.count()
    except PlaywrightError as error:
        raise StepFailed(
            f"invalid selector: {error.message.splitlines()[0]}", kind="failed"
        ) from None


async def locate(
    page: Page,
    selector: Selector,
    *,
    render: Render,
    timeout: float,
    wait: bool = True,
    many: bool = False,
) -> Located | None:
    """Find the selector's element(s), waiting up to `timeout` seconds for one to appear.

    With wait=False, look once and return None when nothing matches. With many=True, several
    matches are expected (the rows of a list) unless the selector picks one itself.
    """
    alternatives: list[Selector]
    if isinstance(selector, SelectorMap) and selector.any_of is not None:
        alternatives = list(selector.any_of)
    else:
        alternatives = [selector]
    candidates = [(alt, _build(page, alt, render)) for alt in alternatives]
    deadline = time.monotonic() + timeout
    while True:
        for alt, loc in candidates:
            count = await _count(loc)
            if count:
                # `pick` on the any_of map applies to whichever alternative matched.
                chooser = selector if len(alternatives) > 1 else alt
                description = describe_selector(alt)
                return Located(_pick(chooser, loc, count, description, many), description, count)
        if not wait:
            return None
        if time.monotonic() >= deadline:
            raise StepFailed(
                f"no element matches {describe_selector(selector)} (waited {timeout:g}s)",
                kind="not_found",
            )
        await asyncio.sleep(_POLL_S)
