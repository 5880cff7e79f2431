"""report.html, opened in a real headless Chromium from the file, as a person would open it:
the sentence of what happened (its numbers the mock's), each phase with the screenshots its
flow marks as proof, the chart of what was deleted (its numbers the ledger's, joined with the
export), the links, the steps grouped and collapsed with the internal ones hidden. The
deletion ledger itself is checked against what the mock deleted. And `voicewipe report`,
which says where a report is and refuses what is not a run's.

One wipe (20 recordings) serves every check of a successful run (module-scoped); a rehearsal,
a failure and the report command have a run each. The refusal's and an interrupted run's
reports are checked where those runs already happen (test_delete_safety.py, test_faults.py).
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from playwright.sync_api import Browser, Page, expect
from reportview import ledger, opened, run_json

from clirun import run_cli
from voicewipe.mock import MockConfig

HISTORIES = {"voice": "voice", "sounds": "sounds", "smart-home": "smarthome"}


@pytest.fixture(scope="module")
def wiped(mock_server, tmp_path_factory) -> dict[str, Any]:
    """A wipe of a fresh account, and what the mock had and deleted (read right after it)."""
    mock_server.reset(MockConfig(recordings=20))
    before = {h: len(mock_server.keys(kind)["present"]) for h, kind in HISTORIES.items()}
    base = tmp_path_factory.mktemp("wiped")
    out = base / "out"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_STATE_HOME", str(base / "state"))
        env.delenv("VOICEWIPE_FLOWS", raising=False)
        done = run_cli("wipe", "--yes", "--site", mock_server.url, "--out", str(out))
    assert done.code == 0, done.err
    [folder] = sorted((out / "runs").iterdir())
    return {
        "before": before,
        "keys": {h: mock_server.keys(kind) for h, kind in HISTORIES.items()},
        "folder": folder,
        "archive": out / "amazon.com" / "demo@example.com",
    }


def test_the_ledger_holds_exactly_what_the_site_deleted(wiped):
    lines = ledger(wiped["archive"])
    schema = json.loads(
        (resources.files("voicewipe") / "schemas" / "deletion-line.schema.json").read_text()
    )
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for line in lines:
        assert not list(validator.iter_errors(line)), line
        assert line["run"] == wiped["folder"].name
    for history, keys in wiped["keys"].items():
        written = [line["record_key"] for line in lines if line["history"] == history]
        assert keys["present"] == []
        assert sorted(written) == sorted(keys["deleted"]), history
        assert len(written) == wiped["before"][history] > 0


def _expected_chart(archive: Path, run: str) -> tuple[Counter[str], Counter[str]]:
    """The chart's numbers worked out here from disk: this run's ledger lines joined with
    the export's lines of the same history and key."""
    months: Counter[str] = Counter()
    devices: Counter[str] = Counter()
    for line in ledger(archive):
        if line["run"] != run:
            continue
        path = archive / f"{line['history']}-history.jsonl"
        records = {r["record_key"]: r for r in map(json.loads, path.read_text().splitlines())}
        record = records[line["record_key"]]
        months[record["timestamp"][:7]] += 1
        devices[record["device"]] += 1
    return months, devices


def _bars(page: Page, chart: str) -> Counter[str]:
    counts = page.locator(f"#chart-{chart} .count")
    return Counter(
        {counts.nth(i).get_attribute("data-label"): int(counts.nth(i).inner_text())
         for i in range(counts.count())}
    )  # fmt: skip


def test_a_wipe_s_report_says_what_happened_and_proves_it(wiped, browser: Browser):
    total = sum(wiped["before"].values())
    folder = wiped["folder"]
    with opened(browser, folder) as page:
        expect(page.locator("#sentence")).to_have_text(
            f"{total} recordings exported and checked, then deleted from Amazon; 0 remain. "
            "Auto-delete: Save recordings for 3 months."
        )
        phases = page.locator("section.phase").evaluate_all("s => s.map(e => e.id)")
        assert phases == [f"phase-{p}" for p in
                          ("sign-in", "export", "check", "delete", "auto-delete")]  # fmt: skip
        captions = page.locator("figure.proof figcaption").all_inner_texts()
        for shown in (
            "Signed in: Alexa Privacy is open",
            "The history the export listed (voice)",
            "The history before the deletion (voice)",
            "The confirmation dialog (voice)",
            "The history after the deletion (smart-home)",
            "The setting saved",
        ):
            assert any(c.startswith(shown) for c in captions), (shown, captions)
        expect(page.locator("#phase-delete figure.proof")).to_have_count(9)  # 3 histories
        loaded = "i => i.complete && i.naturalWidth > 0"
        page.wait_for_function(
            f"() => [...document.querySelectorAll('img[data-shot]')].every({loaded})"
        )
        # Every proof is a step the flow marked, with its picture kept.
        proofs = [s for s in run_json(folder)["steps"] if s.get("proof")]
        assert {s["proof"] for s in proofs} >= {"history-before", "confirm-dialog",
                                                "history-after", "setting-saved"}  # fmt: skip
        assert all(s["screenshot"] for s in proofs)

        months, devices = _expected_chart(wiped["archive"], folder.name)
        assert sum(months.values()) == total
        assert _bars(page, "month") == months
        assert _bars(page, "device") == devices
        expect(page.locator("#deleted-chart-title")).to_contain_text(f"{total} recordings")

        # Words, not Python: no literal, no template left unfilled, no True/False/None.
        text = page.locator("main").inner_text()
        for literal in ("{}", "['", "{{", "True", "False", "None"):
            assert literal not in text, literal
        assert "deletion by voice" in text
        off = page.locator("#phase-auto-delete dd span").filter(has_text=re.compile("^off$"))
        assert off.evaluate("e => getComputedStyle(e).color") != "rgb(179, 38, 30)"
        _links_work(page, folder, wiped["archive"])


def _links_work(page: Page, folder: Path, archive: Path) -> None:
    links = page.locator("#links a")
    hrefs = {links.nth(i).inner_text(): links.nth(i).get_attribute("href")
             for i in range(links.count())}  # fmt: skip
    resolved = {name: (folder / href).resolve() for name, href in hrefs.items()}
    assert resolved["the export, in its viewer"] == archive.resolve() / "index.html"
    assert resolved["manifest.json"] == archive.resolve() / "manifest.json"
    assert resolved["the deletion ledger"].is_file()
    assert resolved["the export folder"] == archive.resolve()
    assert resolved["the run folder"] == folder.resolve()
    assert not any(href.startswith("/") for href in hrefs.values())  # relative


def test_the_steps_are_grouped_collapsed_and_the_internal_ones_hidden(wiped, browser: Browser):
    data = run_json(wiped["folder"])
    with opened(browser, wiped["folder"]) as page:
        groups = page.locator("#steps details")
        expect(groups).to_have_count(5)
        expect(page.locator("#steps tr[data-step]")).to_have_count(len(data["steps"]))
        expect(page.locator("#steps tr[data-step]").first).to_be_hidden()  # collapsed
        groups.evaluate_all("ds => ds.forEach(d => d.open = true)")
        internal = page.locator("#steps tr.internal")
        assert internal.count() > 0
        expect(internal.first).to_be_hidden()
        # Shown pictures change from one listed step to the next, and none is a blank page.
        shots = page.locator("#steps tr:visible img.thumb").evaluate_all(
            "is => is.map(i => i.dataset.shot)"
        )
        assert shots and all(a != b for a, b in itertools.pairwise(shots))
        blank = {s["screenshot_sha256"] for s in data["steps"] if s["url"] == "about:blank"}
        assert not blank & set(shots)
        embedded = json.loads(page.locator("#shots").text_content() or "{}")
        assert len(embedded) == len(set(embedded.values()))  # each picture once
        page.locator("#show-internal").check()
        expect(internal.first).to_be_visible()


def test_a_rehearsal_report_says_what_would_have_been_deleted(mock, vw, browser: Browser):
    done = vw("delete", "--all", "--no-export")
    assert done.code == 0, done.result.err
    total = mock.state()["recordings"]
    with opened(browser, done.run_folders[-1]) as page:
        expect(page.locator("#sentence")).to_have_text(
            f"A rehearsal, nothing was deleted: {total} recordings would have been deleted from "
            "Amazon. Run again with --yes to delete them."
        )
        expect(page.locator("#verdict")).to_contain_text("Rehearsal")
        expect(page.locator("#phase-delete")).to_contain_text(f"{total} would be")
        problems = page.locator("#problems tr")
        expect(problems).to_have_count(1)
        expect(problems.first).to_contain_text("Delete all of my recordings")
        stopped = page.locator("#phase-delete figure.proof").filter(has_text="rehearsal stopped")
        expect(stopped).to_have_count(1)
        stopped.locator("img").click()
        viewer = page.locator("#viewer")
        expect(viewer).to_be_visible()
        page.keyboard.press("Escape")
        expect(viewer).to_be_hidden()
    assert not (done.out / "amazon.com" / "demo@example.com" / "deletions.jsonl").exists()


def test_a_failed_run_says_where_it_stopped_and_what_to_run(mock, vw, browser: Browser):
    mock.configure(drift=True)
    done = vw("delete", "--all", "--no-export", "--yes", "--timeout", "3")
    assert done.code == 1
    step = next(s for s in done.run_json["steps"] if s["outcome"] == "failed")
    with opened(browser, done.run_folders[-1]) as page:
        sentence = page.locator("#sentence")
        expect(sentence).to_have_text(
            f"Stopped in check against the export at step {step['number']} 'Open the filters': "
            "no element matches css '#filters-selected-bar > button' (waited 3s). Run "
            "`voicewipe doctor` to see whether a page changed, then the same command again: it "
            "picks up where this one stopped."
        )
        assert sentence.evaluate("e => getComputedStyle(e).color") == "rgb(179, 38, 30)"
        expect(page.locator("#verdict")).to_contain_text("Failed (exit code 1)")
        expect(page.locator("#error")).to_contain_text("#filters-selected-bar > button")
        expect(page.locator("#problems tr.failed")).to_contain_text("Open the filters")
        assert (
            page.locator("#problems").bounding_box()["y"]
            < page.locator("#steps").bounding_box()["y"]
        )


def test_the_report_command_finds_the_latest_report(mock, vw, out):
    first = vw("delete", "--all", "--no-export", "--no-screenshots")
    second = vw("delete", "--all", "--no-export", "--no-screenshots")
    assert first.code == second.code == 0
    said = run_cli("report", "--out", str(out))
    assert said.code == 0
    assert said.out.strip() == str((second.run_folders[-1] / "report.html").resolve())
    for given in (first.run_folders[0], first.run_folders[0] / "run.json"):
        named = run_cli("report", str(given))
        assert named.out.strip() == str((first.run_folders[0] / "report.html").resolve())
    missing = run_cli("report", "--out", str(out / "nowhere"))
    assert missing.code == 2
    assert "no run with a report" in missing.err


@pytest.mark.unit
def test_the_report_command_refuses_what_is_not_a_run_s(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><title>not ours</title>", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "run.json").write_text('{"name": "something else"}', encoding="utf-8")
    (other / "report.html").write_text("<html></html>", encoding="utf-8")
    cases = {
        page: f"{page}: not a voicewipe report (give a run folder or its report.html)",
        empty: f"{empty}: not a voicewipe run folder (no run.json in {empty})",
        other: f"{other}: {other / 'run.json'} is not a voicewipe run's (no version, outcome "
        "or steps of a run in it)",
        tmp_path / "gone": f"{tmp_path / 'gone'}: no such file or folder",
    }
    for given, message in cases.items():
        said = run_cli("report", str(given))
        assert (said.code, said.err.strip()) == (2, f"voicewipe: {message}"), given
