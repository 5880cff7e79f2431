"""Every step kind at run time, against real pages in a real headless Chromium.

Each flow in flows/ runs once (the `runs` fixture); the tests check what the run left behind:
files under --out, run.json, and the requests the API server received.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from enginedata import BLOB, PAGES

from clirun import run_cli

HERE = Path(__file__).parent


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


# --- Interaction steps: steps.yaml on form.html ---------------------------------------------


def test_page_steps_all_succeed(runs):
    run = runs("steps.yaml")
    assert run.result.code == 0, run.result.err
    assert run.data["outcome"] == "ok"
    assert [s["outcome"] for s in run.steps] == ["ok"] * 31
    kinds = {s["kind"] for s in run.steps}
    assert {"goto", "fill", "press", "select", "check", "uncheck", "hover", "click"} <= kinds
    assert {"expect", "extract", "set", "write"} <= kinds


def test_fill_press_select_hover_click_change_the_page(runs):
    saved = _load(runs("steps.yaml").out / "steps.json")
    assert saved["after_search"] == "Searched: cats"  # fill by placeholder, then press Enter
    assert saved["colour"] == "b"  # select by label, then by value
    assert saved["status"] == "Settings opened"  # hover opened the menu, click its button


def test_goto_relative_address(runs, site):
    run = runs("steps.yaml")
    assert run.step("Go relative")["url"] == f"{site}/form.html?x=1"
    assert run.step("Check the address and title")["outcome"] == "ok"


def test_extract_attribute_of_all_and_rows_with_fields(runs):
    saved = _load(runs("steps.yaml").out / "steps.json")
    assert saved["ids"] == ["p1", "p2", "p3"]
    assert saved["rows"] == [
        {"id": "p1", "who": "Ada", "age": "36"},
        {"id": "p2", "who": "Bob", "age": "41"},
        {"id": "p3", "who": "Cy", "age": None},  # a field missing in a row reads as null
    ]
    assert runs("steps.yaml").step("Read the rows")["rows"] == 3


def test_expect_variants_pass_on_a_matching_page(runs):
    run = runs("steps.yaml")
    expects = [s for s in run.steps if s["kind"] == "expect"]
    # url and title, value x2, text_is, unchecked, checked, matches, hidden, count x5
    assert len(expects) == 13
    assert all(s["outcome"] == "ok" for s in expects)
    assert {s["selector"] for s in expects} >= {"css '.person'", "test_id 'status'", "css '#gone'"}


# --- Selectors: selectors.yaml ------------------------------------------------------------


def test_selector_strategies_find_the_right_elements(runs):
    run = runs("selectors.yaml")
    assert run.result.code == 0, run.result.err
    assert _load(run.out / "selectors.json") == {
        "plain": "alpha note",
        "role": "Second",
        "label": "name",
        "placeholder": "search",
        "test_id": "status",
        "css": "Bob",
        "xpath": "Cy",
        "within": "Open",
        "has_text": "p2",
        "fallback": "idle",
        "first": "alpha note",
        "last": "omega note",
        "nth": "Bob",
    }


def test_any_of_records_the_alternative_that_matched(runs):
    # The first alternative is absent from the page; the second is there, and so is the third.
    assert runs("selectors.yaml").step("Fallback")["selector"] == "test_id 'status'"


def test_selector_descriptions_in_run_json(runs):
    run = runs("selectors.yaml")
    assert run.step("Within")["selector"] == "role 'button' within css '#second'"
    assert run.step("Has text")["selector"] == "css '.person' with text 'Bob'"
    assert run.step("Role and name")["selector"] == "role 'heading' name 'Second'"


def test_click_nth_of_several(runs):
    run = runs("selectors.yaml")
    assert run.step("Click the second remove")["outcome"] == "ok"
    after = run.steps[run.step("Click the second remove")["number"]]  # the expect after it
    assert (after["kind"], after["outcome"]) == ("expect", "ok")


# --- Control steps: control.yaml ----------------------------------------------------------


def test_control_flow_runs(runs):
    run = runs("control.yaml")
    assert run.result.code == 0, run.result.err
    assert run.data["outcome"] == "ok"


def test_repeat_until_stops_when_the_condition_holds(runs):
    run = runs("control.yaml")
    repeat = run.step("Click until ready")
    assert repeat["rounds"] == 3  # the page says "ready" after the third click
    children = [s for s in run.steps if s["parent"] == repeat["number"]]
    assert [s["kind"] for s in children] == ["click"] * 3


def test_retry_succeeds_on_a_later_attempt(runs):
    run = runs("control.yaml")
    retry = run.step("Try until ready")
    assert (retry["outcome"], retry["attempts"]) == ("ok", 3)
    children = [s for s in run.steps if s["parent"] == retry["number"]]
    assert [(s["kind"], s["outcome"]) for s in children] == [
        ("click", "ok"),
        ("expect", "failed"),
        ("click", "ok"),
        ("expect", "failed"),
        ("click", "ok"),
        ("expect", "ok"),
    ]


def test_when_else_on_visible_url_and_expression(runs):
    run = runs("control.yaml")
    saved = _load(run.out / "control.json")
    assert saved["visible_branch"] == "else"  # #gone is hidden
    assert saved["url_branch"] == "then"
    assert saved["expr_branch"] == "then"
    assert run.step("When visible")["branch"] == "else"


def test_for_each_in_order_with_index_and_jsonl_append(runs):
    lines = (runs("control.yaml").out / "each.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"name": "ann", "i": 0},
        {"name": "ben", "i": 1},
        {"name": "cat", "i": 2},
    ]


def test_call_passes_inputs_and_returns_outputs(runs):
    run = runs("control.yaml")
    assert _load(run.out / "control.json")["greeting"] == {
        "text": "Hello, ben!",  # the sub-flow's default greeting and the caller's input
        "heading": "Engine form",  # read by the sub-flow from the caller's page
    }
    assert (run.out / "greeting.txt").read_text() == "Hello, ben!"  # write, format text
    call = run.step("Greet")
    inner = run.step("Sub-flow reads the heading")
    assert inner["parent"] == call["number"]
    assert (inner["file"], inner["line"]) == ("flows/greet.yaml", 10)


# --- Scrolling: lazy.yaml -----------------------------------------------------------------


def test_scroll_until_stable_loads_every_row(runs):
    run = runs("lazy.yaml")
    assert run.result.code == 0, run.result.err
    stable = run.step("Load until stable")
    assert stable["items"] == 30
    assert _load(run.out / "rows.json") == [f"Row {n}" for n in range(1, 31)]


def test_scroll_until_visible_and_to(runs):
    run = runs("lazy.yaml")
    assert run.step("Load until the end shows")["outcome"] == "ok"
    assert run.step("Back to the top")["selector"] == "text 'Row 1'"


def test_scroll_gives_up_after_max(runs):
    step = runs("lazy.yaml").step("Gives up")
    assert step["outcome"] == "optional-failed"
    assert step["message"] == "css '#never' did not appear after 2 scrolls"


# --- HTTP: requests.yaml ------------------------------------------------------------------


def test_request_get_json_into_a_variable(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    assert run.result.code == 0, run.result.err
    saved = _load(run.out / "requests.json")
    assert saved["items"] == {"items": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}]}
    assert saved["data"]["items"][2] == {"id": "c", "n": 3}  # a static JSON file
    assert [s.method for s in run.requests if s.path == "/api/items"] == ["GET"]


def test_request_post_json_with_headers(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    [seen] = [s for s in run.requests if s.path == "/api/echo"]
    assert seen.method == "POST"
    assert seen.headers["x-token"] == "abc123"
    assert seen.headers["content-type"] == "application/json"
    assert json.loads(seen.body) == {"names": ["one", "two"], "n": 2}


def test_pagination_collects_every_item_once(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    sent = [json.loads(s.body)["token"] for s in run.requests if s.path == "/api/pages"]
    assert sent == [None, "t2", "t3"]  # each page asked for once, in order
    expected = [item for items, _ in PAGES.values() for item in items]
    assert _load(run.out / "requests.json")["records"] == expected
    assert run.step("Every page")["pages"] == 3


def test_throttled_request_waits_for_retry_after(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    first, second = [s for s in run.requests if s.path == "/api/throttled"]
    # The server asked for 0.3 s; the flow's own first wait would have been 20 s.
    assert 0.25 <= second.at - first.at < 5
    assert _load(run.out / "requests.json")["throttled"] == {"ok": True}
    assert run.step("Wait out throttling")["throttled"] == 1


def test_retry_of_a_flaky_request(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    assert len([s for s in run.requests if s.path == "/api/flaky/a"]) == 3
    assert _load(run.out / "requests.json")["flaky"] == {"ok": True, "attempt": 3}
    assert run.step("Flaky until the third")["attempts"] == 3


def test_for_each_with_concurrency(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    ids = sorted(int(s.query["id"][0]) for s in run.requests if s.path == "/api/slow")
    assert ids == [1, 2, 3, 4, 5, 6]
    for n in range(1, 7):
        assert _load(run.out / "slow" / f"{n}.json") == {"id": n}


def _peak(run) -> int:
    """How many /api/slow requests overlapped, from the server's arrival times (0.3 s each)."""
    times = sorted(s.at for s in run.requests if s.path == "/api/slow")
    return max(sum(1 for t in times if start <= t < start + 0.25) for start in times)


def test_requests_overlap_with_concurrency(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    assert 2 <= _peak(run) <= 3


def test_download_by_address_records_a_correct_sha256(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    path = run.out / "files" / "blob.bin"
    assert path.read_bytes() == BLOB
    step = run.step("Download by address")
    assert step["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert step["size"] == len(BLOB)
    assert _load(run.out / "requests.json")["blob"]["sha256"] == step["sha256"]


def test_download_of_a_gzip_body_is_stored_decompressed(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    path = run.out / "files" / "unzipped.bin"
    assert path.read_bytes() == BLOB
    assert run.step("Download gzip")["sha256"] == hashlib.sha256(BLOB).hexdigest()


def test_download_by_click(runs, api_server):
    run = runs("requests.yaml", api=api_server.url)
    path = run.out / "files" / "export.csv"
    assert path.read_bytes() == (HERE / "site" / "export.csv").read_bytes()
    step = run.step("Download by click")
    assert step["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert step["selector"] == "text 'Get the export'"


# --- Failures, each in an optional step: failures.yaml ------------------------------------


def _failure(runs, api_server, label: str) -> str:
    step = runs("failures.yaml", api=api_server.url).step(label)
    assert step["outcome"] == "optional-failed"
    return str(step["message"])


def test_optional_failures_let_the_run_go_on(runs, api_server):
    run = runs("failures.yaml", api=api_server.url)
    assert run.result.code == 0, run.result.err
    assert run.data["outcome"] == "ok"
    assert (run.out / "still-running.txt").read_text() == "yes"
    assert run.step("Still running")["outcome"] == "ok"
    # A failed optional step leaves its screenshot too.
    shot = run.step("Nothing there")["screenshot"]
    assert shot == "004-nothing-there.png"
    assert (run.folder / shot).is_file()


def test_goto_of_a_missing_page_fails(runs, api_server, site):
    message = _failure(runs, api_server, "Missing page")
    assert message == f"{site}/missing.html answered 404 File not found"


def test_several_matches_must_say_which(runs, api_server):
    assert _failure(runs, api_server, "Ambiguous") == (
        "text 'Remove' matches 3 elements; say which with pick: first, last or all, or nth: N, "
        "or make the selector narrower"
    )
    assert _failure(runs, api_server, "No such nth") == (
        "css '.note' matches 2 element(s), so there is no nth: 5"
    )


def test_element_not_found(runs, api_server):
    message = _failure(runs, api_server, "Nothing there")
    assert message == "no element matches css '#nope' (waited 0.3s)"


def test_expect_failure_messages(runs, api_server, site):
    def failure(label):
        return _failure(runs, api_server, label)

    assert failure("Wrong text") == (
        "expectation not met: Locator expected to contain text 'busy' Actual value: idle"
    )
    assert failure("Wrong whole text") == (
        "expectation not met: Locator expected to have text 'idl' Actual value: idle"
    )
    assert (
        failure("Wrong count")
        == "expectation not met: css '.person': expected 5 element(s), found 3"
    )
    assert failure("Too few") == (
        "expectation not met: css '.person': expected at least 4 element(s), found 3"
    )
    assert failure("Too many") == (
        "expectation not met: css '.person': expected at most 1 element(s), found 3"
    )
    assert failure("Count from a template") == (
        "count \"{{ 'three' }}\" gave 'three', not a whole number"
    )
    assert failure("Wrong address") == (
        f"expectation not met: the address is {site}/form.html, which does not contain "
        "'/other.html'"
    )
    assert failure("Wrong title") == (
        "expectation not met: the title is 'Engine form', which does not contain 'Other page'"
    )
    assert failure("Own message") == "the hidden paragraph should show"


def test_request_with_an_error_status_fails(runs, api_server):
    assert _failure(runs, api_server, "Server error") == (
        f"GET {api_server.url}/api/broken answered 500 Internal Server Error"
    )


def test_retry_does_not_retry_failures_it_was_not_told_about(runs, api_server):
    run = runs("failures.yaml", api=api_server.url)
    assert len([s for s in run.requests if s.path == "/api/flaky/b"]) == 1
    retry = run.step("Not retried")
    assert (retry["outcome"], retry["attempts"]) == ("optional-failed", 1)
    assert f"GET {api_server.url}/api/flaky/b answered 500" in retry["message"]


def test_repeat_fails_when_max_is_reached(runs, api_server):
    run = runs("failures.yaml", api=api_server.url)
    assert _failure(runs, api_server, "Loop gives up") == (
        "still not true after 2 rounds: css '#gone' is visible"
    )
    loop = run.step("Loop gives up")
    assert loop["rounds"] == 2
    assert len([s for s in run.steps if s["parent"] == loop["number"]]) == 2


def test_fail_step_message(runs, api_server):
    assert _failure(runs, api_server, "Stop on purpose") == "stopped after 2 tries"


def test_quiet_steps_stay_off_the_terminal_but_not_out_of_run_json(tmp_path, site):
    flow = tmp_path / "quiet.yaml"
    flow.write_text(
        "name: quiet\norigins: ['{{ base_url }}']\ninputs: {base_url: {type: string}}\n"
        "steps:\n"
        "  - {label: Loud step, set: {a: 1}}\n"
        "  - {label: Quiet step, quiet: true, write: {to: 'q/{{ a }}.txt', value: x}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli("run", str(flow), "--out", str(out), "--var", f"base_url={site}")
    assert result.code == 0, result.err
    assert "Loud step" in result.err and "Quiet step" not in result.err
    folder = next((out / "runs").iterdir())
    labels = [s["label"] for s in json.loads((folder / "run.json").read_text())["steps"]]
    assert labels == ["Loud step", "Quiet step"]
    assert "Quiet step" in (folder / "voicewipe.log").read_text(encoding="utf-8")


def test_personal_elements_are_hidden_only_with_mask_personal(tmp_path, site):
    """`personal` selectors leave the picture alone, unless the run says --mask-personal."""
    flow = tmp_path / "personal.yaml"
    flow.write_text(
        "name: personal\norigins: ['{{ base_url }}']\ninputs: {base_url: {type: string}}\n"
        "personal: [{css: h1}]\n"
        "steps:\n  - {label: Open, goto: '{{ base_url }}/form.html'}\n",
        encoding="utf-8",
    )

    def picture(*extra: str) -> bytes:
        out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
        done = run_cli("run", str(flow), "--out", str(out), "--var", f"base_url={site}", *extra)
        assert done.code == 0, done.err
        folder = next((out / "runs").iterdir())
        return (folder / "001-open.png").read_bytes()

    plain, again, masked = picture(), picture(), picture("--mask-personal")
    assert plain == again  # the same page gives the same picture
    assert masked != plain
