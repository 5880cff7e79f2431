"""Whole runs: rehearsal versus --yes, the run folder and run.json, how a run stops and says
why, origins, secrets and the sample flow."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
RUN_FIELDS = {
    "number",
    "label",
    "kind",
    "file",
    "line",
    "parent",
    "selector",
    "url",
    "duration_ms",
    "outcome",
    "screenshot",
    "screenshot_sha256",
    "message",
    "destructive",
}


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40].rstrip("-")


def _where(flow: str, label: str) -> str:
    """file:line:col of the step labelled `label`, found by reading the flow file."""
    lines = (HERE / "flows" / flow).read_text().splitlines()
    for number, text in enumerate(lines, 1):
        if text.strip() == f"- label: {label}":
            return f"flows/{flow}:{number}:{text.index('label:') + 1}"
    raise AssertionError(f"no step labelled {label!r} in {flow}")


# --- Rehearsal versus --yes ---------------------------------------------------------------


def test_rehearsal_stops_at_the_destructive_step_and_changes_nothing(runs, api_server):
    run = runs("danger.yaml", api=api_server.url)
    assert run.result.code == 0, run.result.err
    assert run.requests == []  # the delete never reached the server
    data = run.data
    assert (data["outcome"], data["rehearsal"], data["rehearsed_step"]) == ("rehearsal", True, 3)
    assert data["destructive_steps_done"] == 0
    assert [(s["label"], s["outcome"]) for s in run.steps][2:] == [("Wipe", "rehearsed")]
    assert run.steps[2]["selector"] == "role 'button' name 'Delete everything'"
    assert "rehearsal: stopped before step 3 'Wipe', which is destructive." in run.result.err


def test_rehearsal_screenshot_outlines_the_target(runs, api_server):
    run = runs("danger.yaml", api=api_server.url)
    before, rehearsed = (run.folder / s["screenshot"] for s in run.steps[1:3])
    assert rehearsed.name == "003-wipe.png"
    # Nothing on the page changed between the two but the red outline drawn round the button.
    assert rehearsed.read_bytes() != before.read_bytes()
    assert run.steps[2]["screenshot_sha256"] == hashlib.sha256(rehearsed.read_bytes()).hexdigest()


def test_yes_does_the_destructive_step(runs, api_server):
    run = runs("danger.yaml", "--yes", api=api_server.url)
    assert run.result.code == 0, run.result.err
    assert [(s.method, s.path) for s in run.requests] == [("POST", "/beacon/delete")]
    data = run.data
    assert (data["outcome"], data["rehearsal"], data["rehearsed_step"]) == ("ok", False, None)
    assert data["destructive_steps_done"] == 1
    assert [s["outcome"] for s in run.steps] == ["ok"] * 4


# --- The run folder and run.json ----------------------------------------------------------


def test_run_folder_name(runs):
    run = runs("control.yaml")
    assert run.folder.parent == run.out / "runs"
    match = re.fullmatch(r"(\d{8}T\d{6}Z)-control", run.folder.name)
    assert match, run.folder.name
    stamp = datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    started = datetime.fromisoformat(run.data["started"])
    assert abs(stamp - started) < timedelta(seconds=1)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=15)


def test_a_screenshot_for_every_step_in_loops_and_sub_flows(runs):
    run = runs("control.yaml")
    steps = run.steps
    assert [s["number"] for s in steps] == list(range(1, len(steps) + 1))
    assert [s["screenshot"] for s in steps] == [
        f"{s['number']:03d}-{_slug(s['label'])}.png" for s in steps
    ]
    on_disk = {path.name for path in run.folder.glob("*.png")}
    assert on_disk == {s["screenshot"] for s in steps}
    assert any(s["parent"] is not None and s["file"] == "flows/greet.yaml" for s in steps)
    assert sum(1 for s in steps if s["label"] == "Append a line") == 3


def test_screenshot_sha256_matches_the_file(runs):
    run = runs("control.yaml")
    for step in run.steps:
        data = (run.folder / step["screenshot"]).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert step["screenshot_sha256"] == hashlib.sha256(data).hexdigest(), step["label"]


def test_run_json_step_fields(runs, site):
    run = runs("control.yaml")
    for step in run.steps:
        assert set(step) >= RUN_FIELDS, step["label"]
        assert isinstance(step["duration_ms"], int), step["label"]
    # Durations are the steps' own, in milliseconds: "Try until ready" waits out its `expect`
    # (timeout 0.3 s) twice before the third click makes the page ready; a step takes at least
    # as long as the steps inside it, one after another; and none outlasts the run.
    assert run.step("Try until ready")["duration_ms"] >= 2 * 300
    for step in run.steps:
        inside = [s["duration_ms"] for s in run.steps if s["parent"] == step["number"]]
        assert step["duration_ms"] >= sum(inside), step["label"]
        assert step["duration_ms"] <= run.data["duration_ms"], step["label"]
    greet = run.step("Greet")
    assert {k: greet[k] for k in ("kind", "file", "line", "parent", "outcome", "url")} == {
        "kind": "call",
        "file": "flows/control.yaml",
        "line": 45,
        "parent": None,
        "outcome": "ok",
        "url": f"{site}/form.html",
    }
    appends = [s for s in run.steps if s["label"] == "Append a line"]
    assert {s["parent"] for s in appends} == {run.step("Each name")["number"]}
    assert {s["file"] for s in appends} == {"flows/control.yaml"}  # not the file written


def test_run_json_on_success(runs):
    run = runs("control.yaml")
    data = run.data
    assert {k: data[k] for k in ("flow", "file", "outcome", "exit_code", "error", "trace")} == {
        "flow": "control",
        "file": "flows/control.yaml",
        "outcome": "ok",
        "exit_code": 0,
        "error": None,
        "trace": None,
    }
    assert not (run.folder / "trace.zip").exists()  # retain-on-failure: none on success
    log = (run.folder / "voicewipe.log").read_text(encoding="utf-8")
    assert "Hello, ben!" in log  # the log step's line
    assert f"done: {len(run.steps)} steps" in log


def test_tracing_on_keeps_a_trace_of_a_good_run(runs):
    run = runs("tiny.yaml", "--tracing", "on")
    assert run.result.code == 0, run.result.err
    assert run.data["trace"] == "trace.zip"
    assert zipfile.is_zipfile(run.folder / "trace.zip")


def test_tracing_off_keeps_no_trace_of_a_failed_run(runs):
    run = runs("stops.yaml", "--tracing", "off", how="missing")
    assert run.result.code == 1
    assert run.data["trace"] is None
    assert not (run.folder / "trace.zip").exists()


# --- How a run stops ----------------------------------------------------------------------


def test_failure_message_names_the_place_step_selector_url_and_screenshot(runs, site):
    run = runs("stops.yaml", how="missing")
    assert run.result.code == 1
    label = "Press the missing button"
    screenshot = run.folder / f"009-{_slug(label)}.png"
    message = (
        f"{_where('stops.yaml', label)}: step 9 '{label}' (click) failed: no element matches "
        f"css '#missing' (waited 0.5s); selector: css '#missing'; url: {site}/form.html; "
        f"screenshot: {screenshot}"
    )
    assert run.result.err.endswith(f"\nvoicewipe: {message}\n")
    assert run.result.err.count("no element matches") == 1
    assert screenshot.is_file()
    data = run.data
    assert (data["outcome"], data["exit_code"], data["error"]) == ("failed", 1, message)
    failed = run.step(label)
    assert failed["outcome"] == "failed"
    assert f"{_where('stops.yaml', label)}: {failed['message']}" == message
    assert failed["parent"] == 8  # the `when` that chose it
    assert data["trace"] == "trace.zip"  # kept on failure by default
    assert zipfile.is_zipfile(run.folder / "trace.zip")
    assert "not reached" not in (run.folder / "voicewipe.log").read_text(encoding="utf-8")


STOPS = [
    # how, exit code, label, kind, verb, message
    ("failed", 1, "Give up", "fail", "failed", "gave up on failed"),
    ("person_needed", 3, "Need a person", "fail", "needs a person", "solve the puzzle"),
    ("refused", 4, "Refuse", "fail", "was refused", "too risky"),
    (
        "prompt",
        3,
        "Ask for the code",
        "prompt",
        "needs a person",
        "the flow asks a person: 'Code?', and this run has no terminal to ask at",
    ),
    (
        "pause",
        3,
        "Solve the puzzle",
        "pause",
        "needs a person",
        "Solve the puzzle in the browser; run the same command with --headed to do it yourself",
    ),
    (
        "outside",
        4,
        "Write outside",
        "write",
        "was refused",
        "../escaped.txt is outside the output folder {out}",
    ),
]


@pytest.mark.parametrize(("how", "code", "label", "kind", "verb", "message"), STOPS)
def test_run_stops_with_its_exit_code(runs, site, how, code, label, kind, verb, message):
    run = runs("stops.yaml", how=how)
    assert run.result.code == code
    index = [row[0] for row in STOPS].index(how)
    number = index + 3  # goto, a `when` per choice up to this one's, then its step
    screenshot = run.folder / f"{number:03d}-{_slug(label)}.png"
    expected = (
        f"{_where('stops.yaml', label)}: step {number} '{label}' ({kind}) {verb}: "
        f"{message.format(out=run.out)}; url: {site}/form.html; screenshot: {screenshot}"
    )
    assert run.result.err.endswith(f"\nvoicewipe: {expected}\n")
    assert (run.data["exit_code"], run.data["error"]) == (code, expected)
    assert run.steps[-1]["label"] == label
    assert not (run.out.parent / "escaped.txt").exists()


# --- Origins ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "label", "kind"),
    [("goto", "Go elsewhere", "goto"), ("request", "Ask elsewhere", "request")],
)
def test_other_origin_is_refused_before_any_request(runs, site, api_server, how, label, kind):
    run = runs("origins.yaml", how=how, api=api_server.url)
    assert run.result.code == 4
    assert run.requests == []  # refused before anything reached the other origin
    url = f"{api_server.url}/elsewhere" if how == "goto" else f"{api_server.url}/api/items"
    page = f"{site}/form.html?api={api_server.url}"
    screenshot = run.folder / f"{run.steps[-1]['number']:03d}-{_slug(label)}.png"
    assert run.result.err.endswith(
        f"\nvoicewipe: {_where('origins.yaml', label)}: step {run.steps[-1]['number']} "
        f"'{label}' ({kind}) was refused: {url} is outside the origins flow 'origins' may visit "
        f"({site}); add its origin to the flow's `origins` if it is meant to be visited; "
        f"url: {page}; screenshot: {screenshot}\n"
    )


def test_link_to_another_origin_stops_the_run(runs, site, api_server):
    run = runs("origins.yaml", how="link", api=api_server.url)
    assert run.result.code == 4
    assert run.step("Follow the link")["outcome"] == "failed"
    assert (
        f"was refused: the page went to {api_server.url}/elsewhere, outside the origins flow "
        "'origins' may visit;" in run.result.err
    )


# --- Secrets ------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_secret_inside_text_is_refused_and_never_written(run_flow, site, monkeypatch):
    value = "s3cr3t-Value-9"
    # A person at a terminal types the password; getpass reads it from the terminal itself.
    monkeypatch.setattr("getpass.getpass", lambda prompt="": value)
    run = run_flow("secret.yaml", stdin=_Terminal(), base_url=site)
    assert run.result.code == 1
    assert (
        f"step 4 'Leak it' (log) failed: secret 'password' used inside text: a secret can only "
        f"be the whole value of a fill step, never part of a string; url: {site}/form.html"
        in run.result.err
    )
    typed = run.step("Type the password")
    assert (typed["outcome"], typed["secret"]) == ("ok", "password")
    for text in (
        run.result.err,
        (run.folder / "run.json").read_text(encoding="utf-8"),
        (run.folder / "voicewipe.log").read_text(encoding="utf-8"),
    ):
        assert value not in text


def test_secret_input_from_its_variable_is_typed_and_never_written(
    cli, site, tmp_path, monkeypatch
):
    value = "env-Secret-4711"
    monkeypatch.setenv("VOICEWIPE_SECRET_PASSWORD", value)
    result = cli(
        "run", "flows/secret_fill.yaml", "--var", f"base_url={site}", "--out", str(tmp_path)
    )
    assert (result.code, result.err.count("✗")) == (0, 0), result.err
    (folder,) = (tmp_path / "runs").iterdir()
    typed = json.loads((folder / "run.json").read_text(encoding="utf-8"))["steps"][1]
    assert (typed["outcome"], typed["secret"]) == ("ok", "password")
    for text in (
        result.err,
        (folder / "run.json").read_text(),
        (folder / "voicewipe.log").read_text(),
    ):
        assert value not in text


# --- The sample flow ----------------------------------------------------------------------


def _sample(cli, out: Path, *args: str):
    sample = ROOT / "flows" / "examples"
    return cli(
        "run",
        str(sample / "sample.yaml"),
        "--serve",
        str(sample / "site"),
        "--out",
        str(out),
        *args,
    )


def _only_run(out: Path) -> dict:
    [folder] = (out / "runs").iterdir()
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))


def test_sample_rehearsal(cli, tmp_path):
    result = _sample(cli, tmp_path)
    assert result.code == 0, result.err
    data = _only_run(tmp_path)
    assert (data["outcome"], data["rehearsed_step"]) == ("rehearsal", 13)
    assert data["steps"][-1]["label"] == "Delete all"
    entries = json.loads((tmp_path / "sample" / "entries.json").read_text())
    assert len(entries) == 25
    site = ROOT / "flows" / "examples" / "site"
    assert (tmp_path / "sample" / "export.csv").read_bytes() == (site / "export.csv").read_bytes()


def test_sample_with_yes_deletes(cli, tmp_path):
    result = _sample(cli, tmp_path, "--yes")
    assert result.code == 0, result.err
    data = _only_run(tmp_path)
    assert (data["outcome"], data["destructive_steps_done"]) == ("ok", 2)
    last = data["steps"][-1]
    assert (last["label"], last["outcome"]) == ("expect text 'No records found'", "ok")
