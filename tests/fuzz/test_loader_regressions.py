"""One plain example per loader bug the fuzzing found: each input used to escape as a traceback,
hang, or give a message over several lines or in the wrong place; now each is refused with one
located line (or, for the last, no longer accepted)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fuzzflows import check_message, time_limit

from clirun import run_cli
from voicewipe.errors import FlowError
from voicewipe.flow.loader import load_flow

HEAD = "name: fuzz\nsteps:\n"


def refusal(tmp_path: Path, text: str, name: str = "case.yaml") -> str:
    """The one message loading `text` is refused with (located, one line per problem)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with time_limit(), pytest.raises(FlowError) as caught:
        load_flow(path)
    message = str(caught.value)
    check_message(message)
    return message.replace(f"{path}:", "")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        # PyYAML reads these as dates or (tagged) numbers and fails with ValueError/KeyError.
        ("2024-13-40", "'2024-13-40' is not a date"),
        ("!!timestamp today", "'today' is not a date"),
        ("!!int abc", "'abc' is not a whole number"),
        ("!!float x", "'x' is not a number"),
        ("!!bool maybe", "'maybe' is not true or false"),
    ],
)
def test_a_scalar_yaml_cannot_build_is_located(tmp_path: Path, value: str, said: str) -> None:
    message = refusal(tmp_path, HEAD + f"  - log: {value}\n")
    assert message == f"3:10: invalid YAML: {said}; put it in quotes if it is meant as text"


@pytest.mark.parametrize("number", ["1" * 5000, "-0x" + "f" * 5000, "0b" + "1" * 65])
def test_a_huge_number_is_refused(tmp_path: Path, number: str) -> None:
    """Decimal: Python refuses more than 4300 digits (ValueError). Hex: it would build, and
    the message about it then failed to print the number."""
    message = refusal(tmp_path, HEAD + f"  - click: {{css: a, nth: {number}}}\n")
    assert message.startswith("3:26: invalid YAML: ")
    assert message.endswith("...' is not a whole number of at most 64 bits")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("name: fuzz\nsteps: &a [*a]\n", "2:12"),
        ("name: fuzz\nx: &a {y: [*a]}\nsteps: [{log: a}]\n", "2:12"),
    ],
)
def test_an_alias_inside_its_own_value_is_refused(tmp_path: Path, text: str, where: str) -> None:
    """It used to loop for ever in the duplicate-key check."""
    message = refusal(tmp_path, text)
    assert message == f"{where}: invalid YAML: alias *a stands for the value that holds it (a loop)"


BILLION_LAUGHS = "name: fuzz\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10) if i else ', '.join(['lol'] * 10)}]\n"
    for i in range(10)
)
MERGE_BOMB = "name: fuzz\na0: &a0 {k: v}\n" + "".join(
    f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}], k{i}: v}}\n" for i in range(1, 40)
)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (BILLION_LAUGHS + "steps: [{set: {v: *a9}}]\n", "11:5"),
        (MERGE_BOMB + "steps: [{log: a}]\n", "40:6"),
    ],
    ids=["lists", "merge-keys"],
)
def test_an_alias_bomb_is_refused_quickly_in_little_memory(
    tmp_path: Path, text: str, where: str
) -> None:
    """Ten lines that stand for 10**10 values (or 2**39 merged keys): walked, they hung the
    loader; merged, they would fill the memory. In a process limited to 1 GB and 20 s."""
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from voicewipe.errors import FlowError
        from voicewipe.flow.loader import load_flow
        try:
            load_flow({str(path)!r})
        except FlowError as error:
            print(error)
            sys.exit(2)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == (
        f"{path}:{where}: the aliases of this value make more than 100000 values in all "
        "(a 'billion laughs'?); write the values out, or use fewer aliases\n"
    )


@pytest.mark.parametrize(
    ("value", "column"),
    [("[" * 2000 + "]" * 2000, 107), ("{a: " * 2000 + "1" + "}" * 2000, 401)],
    ids=["lists", "maps"],
)
def test_deep_nesting_is_refused(tmp_path: Path, value: str, column: int) -> None:
    """Thousands of levels exhausted Python's stack in PyYAML's composer (RecursionError).
    The message points at the value one level too deep (the file's top map is level 1)."""
    message = refusal(tmp_path, f"name: fuzz\nsteps: {value}\n")
    assert message == f"2:{column}: invalid YAML: values nested more than 100 levels deep"


def test_a_control_character_is_one_line_with_its_place(tmp_path: Path) -> None:
    """PyYAML's message spans two lines and names a character position; it was shown at 1:1."""
    message = refusal(tmp_path, HEAD + "  - log: a\x00b\n")
    assert message == (
        "3:11: invalid YAML: character U+0000 is not allowed in YAML (a control character or a "
        "non-character); delete it"
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (HEAD + "  - set: {1: a}\n", "3:11: key '1' is not text"),
        ("name: fuzz\n~: x\nsteps: [{log: a}]\n", "2:1: key '~' is not text"),
        ("name: fuzz\ninputs: {2024-06-03: {}}\nsteps: [{log: a}]\n", "2:10: key '2024-06-03'"),
    ],
)
def test_a_key_that_is_not_text_is_named(tmp_path: Path, text: str, said: str) -> None:
    """They were blamed on the value ("expected text, got text 'a'") or on the whole file."""
    message = refusal(tmp_path, text)
    assert message.startswith(said)
    assert message.endswith("is not text; put it in quotes if it is meant as a name")


@pytest.mark.parametrize(
    ("key", "shown"),
    [("b\\nc", "steps[0]['b\\nc']"), (" ", "steps[0][' ']"), ("", "steps[0]['']")],
)
def test_an_odd_key_is_quoted_in_the_path(tmp_path: Path, key: str, shown: str) -> None:
    """A key with a line break split the message in two; a blank one left a blank path."""
    message = refusal(tmp_path, HEAD + f'  - log: a\n    "{key}": 1\n')
    assert message.startswith(f"4:5: {shown}: unknown key; ")
    assert "\n" not in message


def test_a_call_input_with_a_line_break_stays_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "sub.yaml").write_text("name: sub\nsteps: [{log: a}]\n", encoding="utf-8")
    message = refusal(tmp_path, HEAD + '  - call: {flow: sub.yaml, with: {"a\\nb": 1}}\n')
    assert message == "3:11: call: flow 'sub' has no input 'a\\nb' (its inputs: none)"


@pytest.mark.parametrize(
    "expression",
    ["(" * 300 + "1" + ")" * 300, "x" + " | length" * 300, "-" * 900 + "1"],
    ids=["brackets", "filters", "operators"],
)
def test_a_template_nested_too_deeply_is_refused(tmp_path: Path, expression: str) -> None:
    """Jinja's parser and code generator ran out of stack (RecursionError), or, for a few
    hundred filters, took seconds (their time grows with the cube of the depth)."""
    message = refusal(tmp_path, HEAD + f'  - log: "{{{{ {expression} }}}}"\n')
    assert message == (
        "3:10: steps[0].log: template nested too deeply (more than 32 levels of brackets, filters "
        "or operators); split it up with a set step"
    )


@pytest.mark.parametrize("pattern", ["(" * 2000 + ")" * 2000, "a{99999999999}"])
def test_a_pattern_python_cannot_compile_is_refused(tmp_path: Path, pattern: str) -> None:
    """re.compile raises RecursionError and OverflowError for these, not re.error."""
    message = refusal(tmp_path, HEAD + f'  - expect: {{url_matches: "{pattern}"}}\n')
    assert message.startswith("3:27: steps[0].expect.url_matches: invalid regular expression ")


@pytest.mark.parametrize(
    ("flow", "reason"),
    [("a\\0b", "embedded null byte"), ("a" * 5000, "File name too long")],
)
def test_a_call_of_an_impossible_file_name_is_refused(
    tmp_path: Path, flow: str, reason: str
) -> None:
    """The path's resolve() and is_file() raised ValueError and OSError."""
    message = refusal(tmp_path, HEAD + f'  - call: "{flow}"\n')
    assert message.startswith("3:11: call: '")
    assert message.endswith(f"' cannot be a flow file's name ({reason})")


@pytest.mark.parametrize("timeout", [".inf", "1.0e+300", "3000000", "25h"])
def test_a_duration_over_a_day_is_refused(tmp_path: Path, timeout: str) -> None:
    """These loaded, and then every wait ended at once: the browser's timers overflow past
    24.8 days (and an infinite one is not even sent)."""
    message = refusal(tmp_path, HEAD + f"  - log: a\n    timeout: {timeout}\n")
    assert message.startswith("4:14: steps[0].timeout: a duration is at most a day (86400 ")


def test_validate_prints_one_line_per_problem(tmp_path: Path) -> None:
    """Through the command line: the located line, the count, exit 2; never a traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "  - log: 2024-13-40\n", encoding="utf-8")
    loop = tmp_path / "loop.yaml"
    loop.write_text("name: fuzz\nsteps: &a [*a]\n", encoding="utf-8")
    with time_limit():
        result = run_cli("validate", str(bad), str(loop), timeout=10)
    assert result.code == 2
    assert result.out == ""
    assert result.err.splitlines() == [
        f"{bad}:3:10: invalid YAML: '2024-13-40' is not a date; put it in quotes if it is meant "
        "as text",
        f"{loop}:2:12: invalid YAML: alias *a stands for the value that holds it (a loop)",
        "2 of 2 flow(s) invalid",
    ]
