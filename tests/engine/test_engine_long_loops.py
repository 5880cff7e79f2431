"""What keeps long work light: pages handled as they arrive (each_page, keep, max_pages),
quiet steps of a loop counted on the loop's line, and the pacer that keeps requests to the rate
a site accepts."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clirun import run_cli
from voicewipe.runner.pace import CUT, Pacer


def _run(tmp_path: Path, flow: str, *variables: str) -> tuple[dict, Path]:
    path = tmp_path / "flow.yaml"
    path.write_text(flow, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["run", str(path), "--out", str(out), "--no-screenshots"]
    for variable in variables:
        argv += ["--var", variable]
    result = run_cli(*argv)
    assert result.code == 0, result.err
    folder = next((out / "runs").iterdir())
    return json.loads((folder / "run.json").read_text(encoding="utf-8")), out


PAGES_FLOW = """\
name: pages
inputs: {api: {type: string}, limit: {type: integer, default: 2}}
steps:
  - set: {seen: []}
  - label: Pages
    request:
      method: POST
      url: "{{ api }}/api/pages"
      json: {token: null}
      paginate:
        items: data.records
        next: next
        send: json.token
        max_pages: "{{ limit }}"
        keep: []
        each_page:
          - set: {seen: "{{ seen + [[page_items, more, last]] }}"}
      into: kept
  - write: {to: pages.json, value: {seen: "{{ seen }}", kept: "{{ kept }}"}}
"""


def test_each_page_sees_every_page_as_it_comes(tmp_path, api):
    run, out = _run(tmp_path, PAGES_FLOW, f"api={api.url}")
    saved = json.loads((out / "pages.json").read_text(encoding="utf-8"))
    # Two pages asked for (max_pages from an input); the second had more after it, unasked.
    assert saved["seen"] == [[[1, 2, 3], True, False], [[4, 5, 6], True, True]]
    assert saved["kept"] == []  # keep: [] keeps nothing in `into`
    assert len(api.seen("/api/pages")) == 2
    (pages,) = [s for s in run["steps"] if s["label"] == "Pages"]
    assert (pages["pages"], pages["items"]) == (2, 6)


LOOP_FLOW = """\
name: loop
steps:
  - label: Every item
    for_each:
      items: "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"
      concurrency: 4
      steps:
        - label: Write one
          quiet: true
          write: {to: loop.jsonl, format: jsonl, append: true, value: {n: "{{ item }}"}}
        - when: {expr: "item == 3"}
          quiet: true
          then:
            - {label: Fails once, quiet: true, optional: true, fail: {message: item three}}
  - label: After
    set: {done: true}
"""


def test_quiet_steps_of_a_loop_are_counted_on_its_line(tmp_path):
    run, out = _run(tmp_path, LOOP_FLOW)
    lines = (out / "loop.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["n"] for line in lines) == list(range(12))
    labels = [s["label"] for s in run["steps"]]
    assert "Write one" not in labels  # each write counted, not listed
    (loop,) = [s for s in run["steps"] if s["label"] == "Every item"]
    assert loop["quiet"] == {"write": 12, "lines": 12, "when": 11}
    # What went wrong keeps its line, and so does the step around it.
    (failed,) = [s for s in run["steps"] if s["label"] == "Fails once"]
    assert failed["outcome"] == "optional-failed"
    assert failed["message"] == "item three"
    (around,) = [s for s in run["steps"] if s["number"] == failed["parent"]]
    assert around["kind"] == "when" and around["parent"] == loop["number"]
    assert labels[-1] == "After"


@pytest.mark.unit
def test_the_pacer_spaces_requests_and_pauses_them_all_when_throttled():
    async def scenario() -> dict[str, float]:
        pacer = Pacer(rate=100.0, slow_start=False)
        started = time.monotonic()
        for _ in range(11):
            await pacer.slot()
        spaced = time.monotonic() - started  # 10 intervals of 1/100 s
        sent = await pacer.slot()
        pacer.refused(sent, 0.3)  # the site said: wait 0.3 s
        pacer.refused(sent, 0.3)  # the same episode: the rate is cut once
        cut = pacer.rate
        paused_from = time.monotonic()
        await pacer.slot()
        paused = time.monotonic() - paused_from
        # Requests waiting at once: the first queue (a listing's next page) goes first.
        order: list[str] = []

        async def ask(name: str, first: bool) -> None:
            await pacer.slot(first=first)
            order.append(name)

        await asyncio.gather(ask("download 1", False), ask("download 2", False), ask("page", True))
        return {"spaced": spaced, "cut": cut, "paused": paused, "page_at": order.index("page")}

    # In a thread of its own: pytest-playwright leaves an event loop running in this one.
    box: dict[str, dict[str, float]] = {}
    thread = threading.Thread(target=lambda: box.update(found=asyncio.run(scenario())))
    thread.start()
    thread.join(timeout=30)
    found = box["found"]
    assert 0.09 <= found["spaced"] < 1.0
    assert found["cut"] == 100.0 * CUT
    assert found["paused"] >= 0.29
    assert found["page_at"] == 0


CHATTY_FLOW = """\
name: chatty
steps:
  - label: Say it again and again
    repeat:
      max: 3000
      index: n
      steps:
        - log: "line {{ n }} {{ 'of a loop gone wrong ' * 8 }}"
  - log: the last line
"""


def test_a_loop_that_logs_a_lot_keeps_the_run_log_bounded(tmp_path, monkeypatch):
    # The cap is 20 MB (two files: 40 MB at most); here 100 kB, so that 3,000 lines pass it.
    monkeypatch.setattr("voicewipe.logs.RUN_LOG_BYTES", 100_000)
    _run(tmp_path, CHATTY_FLOW)
    folder = next((tmp_path / "out" / "runs").iterdir())
    logs = sorted(p.name for p in folder.glob("voicewipe.log*"))
    assert logs == ["voicewipe.log", "voicewipe.log.1"]
    sizes = {name: (folder / name).stat().st_size for name in logs}
    print(f"3,000 log lines, cap 100,000 bytes: {sizes}")
    assert all(size <= 100_000 + 1_000 for size in sizes.values()), sizes
    text = (folder / "voicewipe.log").read_text(encoding="utf-8")
    assert text.startswith("(this log reached 100,000 bytes")
    assert "the last line" in text  # the newest lines are kept


SPIN_FLOW = """\
name: spin
steps:
  - label: Look again and again
    repeat:
      max: 100000
      steps:
        - label: Look for what is not there
          optional: true
          timeout: 0.05
          expect: {target: {css: "#nothing"}, state: visible}
"""


def test_ctrl_c_stops_a_loop_of_optional_steps_at_once(tmp_path):
    """The loop that once ran on for ten minutes after a Ctrl-C: each of its steps fails,
    optionally, so a swallowed cancellation would let it go on. Sent to the process group,
    as a terminal sends Ctrl-C (the browser's driver gets it too). (SIGTERM: test_faults.py.)"""
    signum = signal.SIGINT
    flow = tmp_path / "spin.yaml"
    flow.write_text(SPIN_FLOW, encoding="utf-8")
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "voicewipe", "run", str(flow), "--out", str(out)]
    err = tmp_path / "err.log"
    with err.open("wb") as stderr:
        process = subprocess.Popen(
            [*argv, "--no-screenshots"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    try:
        deadline = time.monotonic() + 60
        while err.read_text().count("(optional, going on)") < 5:  # the loop is going round
            assert process.poll() is None and time.monotonic() < deadline, err.read_text()
            time.sleep(0.05)
        sent = time.monotonic()
        os.killpg(process.pid, signum)
        code = process.wait(timeout=30)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    said = err.read_text()
    print(f"{signal.Signals(signum).name} in a loop of optional steps: ended in {took:.2f} s")
    assert code == {signal.SIGINT: 130, signal.SIGTERM: 143}[signum], said[-2000:]
    assert took < 5
    assert "Future exception was never retrieved" not in said and "Traceback" not in said
    assert [line for line in said.splitlines() if line.startswith("voicewipe:")] == [
        line for line in said.splitlines() if line.startswith("voicewipe: interrupted by ")
    ]
    run = json.loads(next((out / "runs").iterdir()).joinpath("run.json").read_text("utf-8"))
    assert (run["outcome"], run["exit_code"]) == ("interrupted", code)
    assert run["interrupted"]["within"][:1] == ["Look again and again"] or (
        run["interrupted"]["label"] == "Look again and again"
    )
