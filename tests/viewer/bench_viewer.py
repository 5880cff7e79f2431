"""The export viewer at 100,000 recordings: writing it, its size, and the page in headless
Chromium. Prints the figures (README, "Performance"); asserts only that the page shows what the
folder holds, never a time.

    .venv/bin/python tests/viewer/bench_viewer.py [--records 100000] [--keep DIR]

The export folder is generated on disk (tests/viewer/viewer_data.py: nine in ten records with an
audio file name as long as voicewipe's), not listed from the mock site. Writing the viewer runs
in a process of its own, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from viewer_data import make_export

from voicewipe.browser import find_browser, launch_options

_WRITE = """
import json, sys, time
from pathlib import Path
from voicewipe.viewer import write_formats, write_viewer
folder = Path(sys.argv[1])
began = time.perf_counter()
page = write_viewer(folder)
viewer = time.perf_counter() - began
began = time.perf_counter()
write_formats(folder, ["csv", "text"])
formats = time.perf_counter() - began
# The kernel's high-water mark of this process alone (ru_maxrss would count the parent's
# memory at the fork, which execve keeps).
status = Path("/proc/self/status").read_text()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"viewer_s": viewer, "formats_s": formats, "peak_mb": peak,
                  "size_mb": page.stat().st_size / 1e6}))
"""

# Typing a word, until the rows it narrows to are drawn (two frames: the one the input event
# changed, and the next, by which it has been painted).
_SEARCH = """async (term) => {
  const box = document.getElementById("search");
  const began = performance.now();
  box.value = term;
  box.dispatchEvent(new Event("input"));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return [performance.now() - began, document.getElementById("shown").textContent];
}"""
_MONTH = """async () => {
  const bar = document.querySelector("#timeline button[data-count]:not([data-count='0'])");
  const began = performance.now();
  bar.click();
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return performance.now() - began;
}"""


def write(folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _WRITE, str(folder)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def in_the_browser(folder: Path, records: int) -> dict[str, Any]:
    with sync_playwright() as playwright:
        choice = find_browser(bundled=playwright.chromium.executable_path)
        options = launch_options(choice, headless=True)
        options.pop("slow_mo")
        browser = playwright.chromium.launch(**options)  # type: ignore[arg-type]
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((folder / "index.html").as_uri())
        page.wait_for_selector(".row")
        page.wait_for_function("() => performance.getEntriesByName('voicewipe-rows-shown').length")
        first = page.evaluate(
            "() => [performance.getEntriesByName('voicewipe-rows-shown')[0].startTime,"
            " performance.getEntriesByName('first-contentful-paint')[0].startTime]"
        )
        shown = page.text_content("#shown") or ""
        assert f"of {records:,} recordings" in shown, shown
        searches = {term: page.evaluate(_SEARCH, term) for term in ("weather", "zzz", "")}
        month = page.evaluate(_MONTH)
        rows = page.locator(".row").count()
        browser.close()
    return {"first_rows_ms": first[0], "first_paint_ms": first[1], "searches": searches,
            "month_ms": month, "rows_in_dom": rows}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="make the export in DIR and leave it there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = (args.keep or Path(scratch)) / "amazon.com" / "demo@example.com"
        began = time.perf_counter()
        make_export(root, args.records, audio=3, named=True)
        print(f"generated {args.records:,} records in {time.perf_counter() - began:.1f} s")
        wrote = write(root)
        print(f"index.html written in {wrote['viewer_s']:.2f} s, {wrote['size_mb']:.1f} MB; "
              f"recordings.csv and transcripts.txt in {wrote['formats_s']:.2f} s; "
              f"peak memory {wrote['peak_mb']:.0f} MB")  # fmt: skip
        page = in_the_browser(root, args.records)
    print(f"first paint {page['first_paint_ms']:.0f} ms, first rows shown "
          f"{page['first_rows_ms']:.0f} ms after navigation start")  # fmt: skip
    for term, (ms, shown) in page["searches"].items():
        print(f"search {term!r}: {ms:.0f} ms to rows narrowed ({shown})")
    print(f"a month of the timeline clicked: {page['month_ms']:.0f} ms")
    print(f"rows in the page: {page['rows_in_dom']} (of {args.records:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
