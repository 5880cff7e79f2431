"""What a captured page offers the flows, read in a real browser: the capture is replayed into
a headless Chromium (replay.py, no network) and each recorded document is opened and left to
build itself, because the history pages make their lists, menus and buttons with JavaScript
and the HTML alone would not show them.

The page's script (_COLLECT) hands back every element with an id, a class, a name, or a role a
flow can find it by (button, link, heading, label, form control, dialog, switch), with its
accessible text, and the page's meta names. What of that is structure and what is a person's
data is decided in inventory.py, not here.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from voicewipe.capture.har import Capture, Exchange

if TYPE_CHECKING:
    from playwright.async_api import Route

    from voicewipe.capture.replay import Replay

# Long enough for the mock's and Amazon's pages to build from a replay (no network waits).
_LOAD_MS = 15_000
_SETTLE_MS = 3_000
_CLICK_MS = 1_500
_TOGGLES = 6  # closed menus opened per page

_COLLECT = r"""
() => {
  const squash = (s) => (s || "").replace(/\s+/g, " ").trim().slice(0, 120);
  const IMPLICIT = {A: "link", BUTTON: "button", H1: "heading", H2: "heading", H3: "heading",
    H4: "heading", H5: "heading", H6: "heading", LABEL: "label", LEGEND: "legend",
    SELECT: "combobox", TEXTAREA: "textbox", DIALOG: "dialog", OPTION: "option",
    SUMMARY: "button", TH: "columnheader"};
  const INPUTS = {checkbox: "checkbox", radio: "radio", button: "button", submit: "button",
    reset: "button", hidden: "", search: "searchbox"};
  const roleOf = (el) => {
    if (el.getAttribute("role")) return el.getAttribute("role").split(" ")[0];
    if (el.tagName === "INPUT") {
      const type = (el.getAttribute("type") || "text").toLowerCase();
      return type in INPUTS ? INPUTS[type] : "textbox";
    }
    if (el.tagName === "A") return el.hasAttribute("href") ? "link" : "";
    return IMPLICIT[el.tagName] || "";
  };
  // The text nodes' words, each node apart: the same whether the page shows the element or
  // hides it (innerText runs a hidden element's paragraphs together, a shown one's not).
  const words = (el) => {
    const parts = [];
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) parts.push(walk.currentNode.nodeValue);
    return parts.join(" ");
  };
  const textOf = (el) => {
    const aria = el.getAttribute("aria-label");
    if (aria) return squash(aria);
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const parts = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean);
      if (parts.length) return squash(parts.map(words).join(" "));
    }
    if (el.labels && el.labels.length) {
      return squash(words(el.labels[0]));
    }
    if (el.tagName === "INPUT") return squash(el.getAttribute("placeholder") || el.title);
    return squash(words(el));
  };
  // Inside a list's rows (a sibling of the same tag and class, or a list, a feed, a live
  // region as a page's records are put in): what is there depends on what the account holds.
  const LISTS = ["UL", "OL", "TBODY"];
  const listLike = (node) => LISTS.includes(node.tagName) || node.hasAttribute("aria-live")
    || ["list", "feed", "grid", "listbox", "table"].includes(node.getAttribute("role"));
  const inList = (el) => {
    for (let node = el; node && node.parentElement && node.tagName !== "BODY";
         node = node.parentElement) {
      const up = node.parentElement;
      // The first class names the kind of row; the others may be its state (is-selected).
      const kind = node.classList[0];
      const twin = kind && [...up.children].some((c) => c !== node
        && c.tagName === node.tagName && c.classList[0] === kind);
      if (twin || listLike(up)) return true;
    }
    return false;
  };
  const anchorOf = (el) => {
    for (let node = el.parentElement; node && node.tagName !== "BODY"; node = node.parentElement) {
      if (node.id) return "#" + node.id;
      if (node.classList.length) return "." + node.classList[0];
    }
    return "";
  };
  const pathOf = (el) => {
    const steps = [];
    for (let node = el; node && node.tagName !== "HTML"; node = node.parentElement) {
      const same = node.parentElement
        ? [...node.parentElement.children].filter((c) => c.tagName === node.tagName) : [node];
      steps.push(node.tagName.toLowerCase() + ":" + same.indexOf(node));
    }
    return steps.reverse().join(">");
  };
  const out = [];
  let toggles = 0;
  for (const el of document.querySelectorAll("body *")) {
    if (["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"].includes(el.tagName)) continue;
    // A closed menu of the page itself (not a row's, not a link) to open: what a page builds
    // only when it is opened is read too.
    if (el.getAttribute("aria-expanded") === "false" && !(el.tagName === "A" && el.href)
        && !inList(el) && el.getClientRects().length) {
      el.setAttribute("data-voicewipe-toggle", String(toggles++));
    }
    const role = roleOf(el);
    const name = el.getAttribute("name") || "";
    if (!el.id && !el.classList.length && !role && !name) continue;
    out.push({
      tag: el.tagName.toLowerCase(), id: el.id || "", classes: [...el.classList], role,
      name, type: el.tagName === "INPUT" ? (el.getAttribute("type") || "text") : "",
      value: ["INPUT", "OPTION"].includes(el.tagName) ? (el.getAttribute("value") || "") : "",
      href: el.tagName === "A" ? (el.getAttribute("href") || "") : "",
      text: role ? textOf(el) : "",
      holds: el.tagName === "LABEL" && !!el.querySelector("input, select, textarea"),
      path: pathOf(el), inList: inList(el), empty: el.children.length === 0,
      anchor: el.id || el.classList.length ? "" : anchorOf(el),
    });
  }
  const metas = [...document.querySelectorAll("meta[name]")].map((m) => m.getAttribute("name"));
  return {title: squash(document.title), elements: out, metas, toggles};
}
"""


@dataclass(frozen=True)
class Opened:
    """One page as the browser built it from the capture."""

    path: str
    status: int
    title: str
    elements: list[dict[str, Any]]
    metas: list[str]
    error: str = ""  # why the page could not be read, when it could not


def documents(capture: Capture) -> dict[str, Exchange]:
    """The first recorded document of each path: the page as the walk first met it."""
    found: dict[str, Exchange] = {}
    for exchange in capture.exchanges:
        if exchange.resource == "document" and exchange.source == "page":
            found.setdefault(exchange.path, exchange)
    return found


async def _opened_menus(page: Any, seen: dict[str, Any]) -> None:
    """Open each closed menu the page has (up to _TOGGLES) and add what that built: the
    elements at places the page had nothing before."""
    from playwright.async_api import Error as PlaywrightError

    places = {element["path"] for element in seen["elements"]}
    for index in range(min(int(seen["toggles"]), _TOGGLES)):
        with contextlib.suppress(PlaywrightError):
            toggle = page.locator(f'[data-voicewipe-toggle="{index}"]')
            await toggle.click(timeout=_CLICK_MS)
            with contextlib.suppress(PlaywrightError):
                await page.wait_for_load_state("networkidle", timeout=_CLICK_MS)
            more = await page.evaluate(_COLLECT)
            built = [e for e in more["elements"] if e["path"] not in places]
            seen["elements"].extend(built)
            places.update(e["path"] for e in built)


async def _open(page: Any, exchange: Exchange) -> Opened:
    from playwright.async_api import Error as PlaywrightError

    try:
        await page.goto(exchange.url, wait_until="load", timeout=_LOAD_MS)
        # A page that keeps polling is read as it stands after the wait.
        with contextlib.suppress(PlaywrightError):
            await page.wait_for_load_state("networkidle", timeout=_SETTLE_MS)
        seen = await page.evaluate(_COLLECT)
        await _opened_menus(page, seen)
    except PlaywrightError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return Opened(exchange.path, exchange.status, "", [], [], error=first)
    return Opened(exchange.path, exchange.status, seen["title"], seen["elements"], seen["metas"])


# Bodies are stored as the browser handed them over: decoded, whole (as replay.py serves them).
_DROPPED = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class _Answers:
    """What answers a page's requests here: the replay's answer (the same request, at times
    near the recorded ones); else, because a page only has to build itself to be read, the
    first recorded answer of the same feed (pageType=VOICE_HISTORY kept) or the same path.
    A capture read days later, or in another time zone, asks for other times."""

    def __init__(self, replay: Replay) -> None:
        from voicewipe.capture.inventory_feed import feed_name

        self.replay, self.name = replay, feed_name
        self.by_feed: dict[str, Exchange] = {}
        self.by_path: dict[tuple[str, str], Exchange] = {}
        for e in replay.capture.exchanges:
            self.by_feed.setdefault(feed_name(e.method, e.url), e)
            self.by_path.setdefault((e.method, e.path), e)

    def find(self, method: str, url: str, body: str | None) -> Exchange | None:
        found = self.replay.answer(method, url, body)
        if found is None:
            found = self.by_feed.get(self.name(method, url))
        return found or self.by_path.get((method, urlsplit(url).path))

    async def route(self, route: Route) -> None:
        request = route.request
        found = self.find(request.method, request.url, request.post_data)
        if found is None:
            await route.fulfill(status=404, content_type="text/plain", body="not in the capture")
            return
        headers = {k: v for k, v in found.response_headers if k not in _DROPPED}
        await route.fulfill(status=found.status, headers=headers, body=found.body)


async def _open_all(captures: list[tuple[Capture, Path]], flows: Path) -> list[list[Opened]]:
    from playwright.async_api import async_playwright

    from voicewipe.browser import find_browser, launch_options
    from voicewipe.capture.replay import Replay
    from voicewipe.capture.rules import load_rules

    rules = load_rules(flows).replay
    opened: list[list[Opened]] = []
    async with async_playwright() as playwright:
        choice = find_browser(bundled=playwright.chromium.executable_path)
        options: Any = launch_options(choice, headless=True)
        browser = await playwright.chromium.launch(**options)
        try:
            for capture, path in captures:
                # A context of its own per capture: nothing of one (cookies, storage, its
                # routing) reaches the other's pages.
                context = await browser.new_context()
                replay = Replay(capture, path, times=rules.times, ignore=rules.ignore)
                await context.route("**/*", _Answers(replay).route)
                page = await context.new_page()
                opened.append([await _open(page, e) for e in documents(capture).values()])
                await context.close()
        finally:
            await browser.close()
    return opened


def open_pages(captures: list[tuple[Capture, Path]], flows: Path) -> list[list[Opened]]:
    """Every recorded page of each capture, opened in one headless browser from the capture
    alone, with no network."""
    return asyncio.run(_open_all(captures, flows))
