"""`voicewipe validate`, `voicewipe schema` and the command line's own errors (no browser).

The messages are part of the interface: each broken flow's message is asserted in full, with
its file, line and column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clirun import run_cli
from voicewipe.flow.steps import MODELS

HERE = Path(__file__).parent
ROOT = HERE.parent.parent

# One broken flow per mistake, and the one line `voicewipe validate` prints for it.
BROKEN = [
    (
        "malformed",
        "broken/malformed.yaml:3:3: invalid YAML: expected the node content, but found '-'",
    ),
    (
        "tab_indent",
        "broken/tab_indent.yaml:3:1: invalid YAML: found character '\\t' that cannot start any "
        "token",
    ),
    ("empty", "broken/empty.yaml:1:1: the file is empty: a flow needs at least a name and steps"),
    ("not_a_map", "broken/not_a_map.yaml:1:1: a flow is a map with at least `name` and `steps`"),
    (
        "duplicate_key",
        "broken/duplicate_key.yaml:4:1: duplicate key 'name' (first given on line 1)",
    ),
    ("missing_name", "broken/missing_name.yaml:1:1: (top): missing required key 'name'"),
    (
        "bad_name",
        "broken/bad_name.yaml:1:7: name: expected a lower-case name (a-z, 0-9, '.', '_', '-'), "
        "got text 'My Flow'",
    ),
    ("no_steps", "broken/no_steps.yaml:2:8: steps: must not be empty"),
    (
        "misspelt_kind",
        "broken/misspelt_kind.yaml:4:5: steps[1].clik: unknown step kind; did you mean 'click'?",
    ),
    (
        "two_kinds",
        "broken/two_kinds.yaml:3:5: steps[0]: a step has exactly one kind; this one has 'goto', "
        "'click'",
    ),
    (
        "step_not_a_map",
        "broken/step_not_a_map.yaml:3:5: steps[0]: a step is a map naming one step kind, like "
        "`- click: ...`; got text 'goto'",
    ),
    (
        "unknown_step_key",
        "broken/unknown_step_key.yaml:4:5: steps[0].optinal: unknown key; did you mean 'optional'?",
    ),
    (
        "unknown_selector_key",
        "broken/unknown_selector_key.yaml:3:13: steps[0].click.csss: unknown key; did you mean "
        "'css'?",
    ),
    (
        "two_strategies",
        "broken/two_strategies.yaml:3:12: steps[0].click: a selector takes exactly one of text, "
        "role, label, placeholder, test_id, css, xpath, any_of (found: text, css)",
    ),
    (
        "bad_timeout",
        "broken/bad_timeout.yaml:4:14: steps[0].timeout: expected a duration: a number of seconds "
        "or text like 500ms, 10s, 2m; got text 'abc'",
    ),
    (
        "bad_count",
        "broken/bad_count.yaml:3:34: steps[0].click.count: expected a whole number, got text 'x'",
    ),
    (
        "bad_duration",
        "broken/bad_duration.yaml:2:10: timeout: expected a duration: a number of seconds or text "
        "like 500ms, 10s, 2m; got text '10 minutes'",
    ),
    (
        "literal_typo",
        "broken/literal_typo.yaml:3:35: steps[0].expect.state: expected one of visible, hidden, "
        "attached, detached, enabled, disabled, checked, unchecked, editable, got text 'visibel'; "
        "did you mean 'visible'?",
    ),
    (
        "bad_input_type",
        "broken/bad_input_type.yaml:3:16: inputs.when.type: expected one of string, integer, "
        "number, boolean, date, list, map, secret, got text 'datetime'; did you mean 'date'?",
    ),
    (
        "bad_var_name",
        "broken/bad_var_name.yaml:3:34: steps[0].for_each.as: expected a variable name (letters, "
        "digits, _; no digit first), got text '1x'",
    ),
    (
        "unknown_variable",
        "broken/unknown_variable.yaml:5:43: steps[0].fill.value: unknown variable 'emial'; did you "
        "mean 'email'? (not an input, and no step before this one sets it)",
    ),
    (
        "used_before_set",
        "broken/used_before_set.yaml:3:10: steps[0].log: unknown variable 'token' (not an input, "
        "and no step before this one sets it)",
    ),
    (
        "loop_item_after_loop",
        "broken/loop_item_after_loop.yaml:7:10: steps[1].log: unknown variable 'item' (not an "
        "input, and no step before this one sets it)",
    ),
    (
        "unknown_output_var",
        "broken/unknown_output_var.yaml:3:10: outputs.total: unknown variable 'totl'; did you mean "
        "'total'? (not an input, and no step before this one sets it)",
    ),
    (
        "template_syntax",
        "broken/template_syntax.yaml:3:10: steps[0].log: template syntax: unexpected 'end of print "
        "statement'",
    ),
    (
        "scroll_without_max",
        "broken/scroll_without_max.yaml:3:13: steps[0].scroll: scroll with until_visible needs "
        "max: the most scrolls before giving up",
    ),
    (
        "repeat_without_max",
        "broken/repeat_without_max.yaml:4:7: steps[0].repeat: missing required key 'max'",
    ),
    (
        "concurrency_click",
        "broken/concurrency_click.yaml:4:7: steps[0].for_each: concurrency 3 needs steps that "
        "leave the page alone; 'click' acts on the page",
    ),
    (
        "two_conditions",
        "broken/two_conditions.yaml:3:11: steps[0].when: a condition takes exactly one of "
        "visible, hidden, url, url_matches, expr",
    ),
    (
        "download_no_source",
        "broken/download_no_source.yaml:3:15: steps[0].download: download takes either url or "
        "click",
    ),
    ("count_range", "broken/count_range.yaml:3:40: steps[0].expect.count: min is larger than max"),
    (
        "bad_regex",
        "broken/bad_regex.yaml:3:44: steps[0].expect.matches: invalid regular expression "
        "'([a-z]+': missing ), unterminated subpattern at position 0",
    ),
    (
        "secret_default",
        "broken/secret_default.yaml:3:13: inputs.password: a secret input cannot have a default: "
        "secrets never live in a flow file",
    ),
    (
        "call_missing_file",
        "broken/call_missing_file.yaml:3:11: call: no flow file broken/nowhere.yaml",
    ),
    (
        "cycle_a",
        "broken/cycle_b.yaml:4:11: a flow cannot call itself: broken/cycle_a.yaml -> "
        "broken/cycle_b.yaml -> broken/cycle_a.yaml",
    ),
    (
        "cycle_b",
        "broken/cycle_a.yaml:3:11: a flow cannot call itself: broken/cycle_b.yaml -> "
        "broken/cycle_a.yaml -> broken/cycle_b.yaml",
    ),
    (
        "call_unknown_input",
        "broken/call_unknown_input.yaml:3:11: call: flow 'sub' has no input 'greting' (its "
        "inputs: email, greeting)",
    ),
    (
        "call_missing_input",
        "broken/call_missing_input.yaml:3:11: call: flow 'sub' needs input 'email' in `with`",
    ),
]


@pytest.mark.unit
@pytest.mark.parametrize(("name", "message"), BROKEN, ids=[name for name, _ in BROKEN])
def test_broken_flow_message(cli, name, message):
    result = cli("validate", f"broken/{name}.yaml")
    assert (result.code, result.out) == (2, "")
    assert result.err == f"{message}\n1 of 1 flow(s) invalid\n"


@pytest.mark.unit
def test_the_corpus_has_a_message_for_every_broken_file():
    on_disk = {path.stem for path in (HERE / "broken").glob("*.yaml")}
    assert on_disk == {name for name, _ in BROKEN}
    assert len(on_disk) >= 22


@pytest.mark.unit
def test_validate_of_every_broken_file_at_once_prints_no_traceback(cli):
    files = sorted(f"broken/{path.name}" for path in (HERE / "broken").glob("*.yaml"))
    result = cli("validate", *files)
    assert result.code == 2
    assert "Traceback" not in result.err + result.out
    assert "internal error" not in result.err
    assert result.err.endswith(f"\n{len(files)} of {len(files)} flow(s) invalid\n")
    # One line per file (each mistake above is alone in its file), plus the summary.
    assert len(result.err.splitlines()) == len(files) + 1


@pytest.mark.unit
def test_validate_mixes_good_and_bad_files(cli):
    result = cli("validate", "flows/control.yaml", "broken/no_steps.yaml", "nowhere.yaml")
    assert result.code == 2
    assert result.out == "flows/control.yaml: ok (control, 13 steps)\n"
    assert result.err == (
        "broken/no_steps.yaml:2:8: steps: must not be empty\n"
        "nowhere.yaml: no such file\n"
        "2 of 3 flow(s) invalid\n"
    )


@pytest.mark.unit
def test_validate_of_a_folder_checks_every_flow_in_it(cli):
    result = cli("validate", "broken")
    files = sorted((HERE / "broken").glob("*.yaml"))
    assert result.code == 2
    assert result.err.endswith(f"\n{len(files)} of {len(files)} flow(s) invalid\n")
    assert result.out == ""


@pytest.mark.unit
def test_validate_of_the_alexa_flows_folder_checks_its_data_files_too(cli):
    result = cli("validate", str(ROOT / "flows" / "alexa"))
    assert (result.code, result.err) == (0, "")
    said = {
        Path(line.split(": ")[0]).name: line.split(": ", 1)[1] for line in result.out.splitlines()
    }
    assert said["marketplaces.yaml"] == "ok (4 marketplaces)"
    assert said["ja-JP.yaml"] == "ok (language ja-JP)"
    assert said["delete.yaml"].startswith("ok (delete, ")


@pytest.mark.unit
def test_every_test_flow_and_the_sample_are_valid(cli):
    flows = sorted(f"flows/{path.name}" for path in (HERE / "flows").glob("*.yaml"))
    sample = str(ROOT / "flows" / "examples" / "sample.yaml")
    result = cli("validate", *flows, sample)
    assert (result.code, result.err) == (0, "")
    assert len(result.out.splitlines()) == len(flows) + 1
    assert result.out.endswith(": ok (sample, 15 steps)\n")


@pytest.mark.unit
def test_retry_on_key_is_text_not_a_yaml_boolean(cli, tmp_path):
    # YAML 1.1 reads `on` as true; a flow's `on:` must stay the key retry documents.
    flow = tmp_path / "retry.yaml"
    flow.write_text(
        "name: r\nsteps:\n  - retry:\n      attempts: 2\n      on: [timeout]\n"
        "      steps: [{log: hi}]\n    optional: yes\n"
    )
    result = cli("validate", str(flow))
    assert (result.code, result.err) == (0, "")


# --- Command-line mistakes: one line on stderr, exit 2, no traceback ----------------------

CLI_ERRORS = [
    (["run", "flows/tiny.yaml", "--var", "base_url"], "--var takes NAME=VALUE, got 'base_url'"),
    (
        ["run", "flows/secret_input.yaml", "--var", "cont=3"],
        "--var: flow 'secret-input' has no input 'cont'; did you mean 'count'?",
    ),
    (
        ["run", "flows/tiny.yaml"],
        "--var: flow 'tiny' needs input 'base_url' (give it with --var base_url=VALUE)",
    ),
    (
        ["run", "flows/secret_input.yaml", "--var", "count=abc"],
        "--var: input 'count' must be a whole number, not 'abc'",
    ),
    (
        ["run", "flows/secret_input.yaml", "--var", "password=hunter2"],
        "--var: input 'password' is a secret and cannot be given as plain text; give it in "
        "the variable VOICEWIPE_SECRET_PASSWORD or run interactively to be asked",
    ),
    (
        ["run", "flows/secret_input.yaml"],
        "--var: flow 'secret-input' needs input 'password' (it is a secret: set the variable "
        "VOICEWIPE_SECRET_PASSWORD or run interactively to be asked)",
    ),
    (["run", "flows/tiny.yaml", "--serve", "nowhere"], "--serve: nowhere is not a folder"),
    (["run", "flows/tiny.yaml", "--timeout", "0"], "--timeout must be more than 0 seconds"),
    (
        ["run", "broken/no_steps.yaml"],
        "broken/no_steps.yaml:2:8: steps: must not be empty",
    ),
]


@pytest.mark.unit
@pytest.mark.parametrize(("argv", "message"), CLI_ERRORS)
def test_cli_mistake(cli, tmp_path, argv, message):
    result = cli(*argv, "--out", str(tmp_path))
    assert (result.code, result.out, result.err) == (2, "", f"voicewipe: {message}\n")
    assert not (tmp_path / "runs").exists()  # refused before any run folder or browser


@pytest.mark.unit
def test_unknown_option_is_one_clean_line(cli):
    result = cli("run", "flows/tiny.yaml", "--frobnicate")
    assert (result.code, result.err) == (
        2,
        "voicewipe: unrecognized arguments: --frobnicate (see 'voicewipe --help')\n",
    )


@pytest.mark.unit
def test_unknown_option_exits_2_without_traceback(cli):
    result = cli("run", "flows/tiny.yaml", "--frobnicate")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "unrecognized arguments: --frobnicate" in result.err
    assert "Traceback" not in result.err


# --- The schema ---------------------------------------------------------------------------


@pytest.mark.unit
def test_schema_is_json_schema_with_every_step_kind(cli):
    result = cli("schema")
    assert (result.code, result.err) == (0, "")
    schema = json.loads(result.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"name", "steps"}
    # Each step kind is one definition whose required key is the kind's name.
    kinds = set()
    for definition in schema["$defs"].values():
        for key in definition.get("required", []):
            if key in MODELS and key in definition.get("properties", {}):
                kinds.add(key)
    assert kinds == set(MODELS)
    assert len(MODELS) == 25


@pytest.mark.unit
def test_committed_schema_is_up_to_date(cli):
    result = cli("schema")
    committed = json.loads((ROOT / "flows" / "flow.schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.out) == committed, "run: voicewipe schema > flows/flow.schema.json"


@pytest.mark.unit
def test_validate_knows_the_alexa_data_files_given_one_by_one(cli):
    alexa = ROOT / "flows" / "alexa"
    result = cli(
        "validate", str(alexa / "marketplaces.yaml"), str(alexa / "languages" / "de-DE.yaml")
    )
    assert (result.code, result.err) == (0, "")
    assert [line.split(": ", 1)[1] for line in result.out.splitlines()] == [
        "ok (4 marketplaces)",
        "ok (language de-DE)",
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("name: x\nsteps: [{log: !!python/object/apply:os.system [id]}]\n", "invalid YAML"),
        ("name: x\nsteps: [{log: !!python/name:os.system }]\n", "invalid YAML"),
    ],
)
def test_a_flow_cannot_construct_python_objects(tmp_path, cli, text, said):
    """The safe loader refuses Python tags: a flow file cannot make the loader run code."""
    flow = tmp_path / "evil.yaml"
    flow.write_text(text, encoding="utf-8")
    result = cli("validate", str(flow))
    assert result.code == 2
    assert said in result.err


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ run.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_templates_cannot_reach_python_internals(tmp_path, expression):
    """Jinja2's sandbox stops a flow's template at the first internal attribute."""
    flow = tmp_path / "escape.yaml"
    flow.write_text(f'name: escape\nsteps:\n  - log: "{expression}"\n', encoding="utf-8")
    result = run_cli("run", str(flow), "--out", str(tmp_path / "out"))
    assert result.code != 0
    assert "Traceback" not in result.err
    assert "uid=" not in result.err + result.out
