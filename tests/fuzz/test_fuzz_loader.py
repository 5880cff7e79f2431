"""Fuzzing the flow loader: random YAML and broken copies of the shipped flows either load or
are refused with located one-line messages; never a traceback, never a hang.

VOICEWIPE_FUZZ_EXAMPLES sets the number of cases in all (see conftest.py); the weights below
share it out.
"""

from __future__ import annotations

from pathlib import Path

from fuzzflows import (
    ALEXA,
    TALLY,
    Shipped,
    alias_documents,
    any_case,
    deep_documents,
    fuzz_settings,
    is_problem_line,
    loads_or_refuses,
    mutated,
    random_bytes,
    random_text,
    structured,
    template_documents,
    time_limit,
    token_soup,
    write_case,
)
from hypothesis import given
from hypothesis import strategies as st

from clirun import run_cli
from voicewipe.cli.validate import checks


@fuzz_settings(0.08)
@given(random_bytes)
def test_random_bytes(scratch: Path, case: bytes) -> None:
    loads_or_refuses(write_case(scratch / "bytes.yaml", case))


@fuzz_settings(0.08)
@given(random_text)
def test_random_text(scratch: Path, case: str) -> None:
    loads_or_refuses(write_case(scratch / "text.yaml", case))


@fuzz_settings(0.12)
@given(token_soup)
def test_yaml_token_soup(scratch: Path, case: str) -> None:
    """Strings of YAML syntax, flow keys, tags, anchors, odd scalars and odd characters."""
    loads_or_refuses(write_case(scratch / "soup.yaml", case))


@fuzz_settings(0.17)
@given(structured)
def test_random_structures(scratch: Path, case: str) -> None:
    """Random data, much of it flow-shaped (the language's own keys and step kinds), written
    out as YAML: wrong types, odd keys, huge and non-finite numbers, dates, odd text."""
    loads_or_refuses(write_case(scratch / "structured.yaml", case))


@fuzz_settings(0.05)
@given(alias_documents())
def test_anchors_and_aliases(scratch: Path, case: str) -> None:
    loads_or_refuses(write_case(scratch / "aliases.yaml", case))


@fuzz_settings(0.05)
@given(deep_documents())
def test_deep_nesting(scratch: Path, case: str) -> None:
    loads_or_refuses(write_case(scratch / "deep.yaml", case))


@fuzz_settings(0.05)
@given(template_documents())
def test_templates_and_patterns(scratch: Path, case: str) -> None:
    loads_or_refuses(write_case(scratch / "templates.yaml", case))


@fuzz_settings(0.30)
@given(st.data())
def test_mutated_shipped_flows(
    shipped_flows: list[Shipped], copies: dict[Path, Path], data: st.DataObject
) -> None:
    """The shipped flows with keys deleted, types changed, junk inserted, values swapped
    between steps, the text truncated, lines duplicated or swapped, indentation broken. Each
    is written next to a copy of its siblings, so that its `call` steps still resolve."""
    original, text = data.draw(mutated(shipped_flows))
    case = copies[original.path.parent] / "fuzz-case.yaml"
    loads_or_refuses(write_case(case, text))


@fuzz_settings(0.05)
@given(st.data())
def test_mutated_flows_folder_data(
    data_files: list[Shipped], alexa_copy: Path, data: st.DataObject
) -> None:
    """marketplaces.yaml and the language files, mutated like the flows, checked the way
    `voicewipe validate DIR` and --flows read them (each with the real others beside it)."""
    original, text = data.draw(mutated(data_files))
    case = alexa_copy / original.path.relative_to(ALEXA)
    write_case(case, text)
    try:
        for _, check in checks(case):
            loads_or_refuses(case, lambda _, check=check: check())
    finally:
        case.write_text(original.text, encoding="utf-8")


@fuzz_settings(0.05)
@given(st.data())
def test_validate_command(
    shipped_flows: list[Shipped], copies: dict[Path, Path], scratch: Path, data: st.DataObject
) -> None:
    """A sample of every kind of case through `voicewipe validate FILE`: exit 0 with an ok
    line, or exit 2 with one located line per problem and the count; never a traceback."""
    case = write_case(scratch / "cli-case.yaml", data.draw(any_case(shipped_flows)))
    expected = loads_or_refuses(case)
    with time_limit():
        result = run_cli("validate", str(case), timeout=10)
    TALLY["cli"] += 1
    assert "Traceback" not in result.out + result.err
    if expected == "loaded":
        assert result.code == 0, result.err
        assert result.out.startswith(f"{case}: ok ("), result.out
        assert result.err == ""
        return
    assert result.code == 2, result.err
    assert result.out == ""
    *problems, summary = result.err.rstrip("\n").split("\n")
    assert summary == "1 of 1 flow(s) invalid"
    assert problems
    for line in problems:
        assert is_problem_line(line), line
