"""The naive export, for comparison: the way existing export scripts do it through the page.

Sign in with the form, open Review Voice History, choose "All history", scroll until the list
says it has ended, read every entry from the DOM, then for each entry one after another click
its play button and save the audio the page fetches. Transcripts and audio end up in OUT.

    python tests/bench/naive.py SITE OUT EMAIL PASSWORD

Prints one JSON line: {"records": n, "audio": n, "seconds": s, "phase_seconds": s}, where the
phase is from opening the history page to the last audio saved (the sign-in left out).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from playwright.async_api import async_playwright

from voicewipe.browser import find_browser, launch_options

READ_ENTRIES = """() => [...document.querySelectorAll('#apd-records-list .apd-content-box')]
  .map(b => ({
    key: b.dataset.recordKey,
    timestamp: Number(b.dataset.timestamp),
    device: b.querySelector('.device-name')?.textContent ?? null,
    profile: b.querySelector('.profile-name')?.textContent ?? null,
    transcript: b.querySelector('.record-summary-preview')?.textContent ?? null,
}))"""


async def export(site: str, out: Path, email: str, password: str) -> dict[str, object]:
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    (out / "audio").mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        choice = find_browser(bundled=playwright.chromium.executable_path)
        options = launch_options(choice, headless=True)
        options.pop("slow_mo")
        browser = await playwright.chromium.launch(**options)  # type: ignore[arg-type]
        page = await browser.new_page()
        await page.goto(f"{site}/alexa-privacy/apd/rvh")
        await page.fill("#ap_email", email)
        await page.click("#continue")
        await page.fill("#ap_password", password)
        await page.click("#signInSubmit")
        await page.wait_for_url("**/alexa-privacy/apd/rvh")

        phase = time.monotonic()
        await page.click("#filters-selected-bar > button")
        await page.check(".filter-by-date-menu input[value=ALL_HISTORY]")
        await page.click("#filters-selected-bar > button")
        end = page.locator(".full-width-message")
        while (await end.text_content() or "").strip() not in ("End of list", "No records found"):
            await page.mouse.wheel(0, 20_000)  # the list loads more as its end comes near
            await page.wait_for_timeout(20)
        entries = await page.evaluate(READ_ENTRIES)
        with (out / "voice-history.jsonl").open("w", encoding="utf-8") as lines:
            for entry in entries:
                lines.write(json.dumps(entry) + "\n")

        saved = 0
        boxes = page.locator("#apd-records-list .apd-content-box")
        for index, entry in enumerate(entries):
            async with page.expect_response(lambda r: "/apd/rvh/audio" in r.url) as answer:
                await boxes.nth(index).locator("button.play-audio-button").click()
            response = await answer.value
            if response.ok:
                name = entry["key"].replace("#", "_") + ".wav"
                (out / "audio" / name).write_bytes(await response.body())
                saved += 1
        await browser.close()
    now = time.monotonic()
    return {
        "records": len(entries),
        "audio": saved,
        "seconds": round(now - started, 3),
        "phase_seconds": round(now - phase, 3),
    }


if __name__ == "__main__":
    site, out, email, password = sys.argv[1:5]
    print(json.dumps(asyncio.run(export(site, Path(out), email, password))), flush=True)
