"""Limits in the flow language: what a template may build is bounded (a flow cannot make
voicewipe build a string of gigabytes or a number of millions of digits), found by `validate`
where constants show it and refused when it runs otherwise; and a secret anywhere but a fill
step's value is found by `validate` before anything runs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from clirun import run_cli
from voicewipe.flow import template


def _flow(tmp_path: Path, body: str, inputs: str = "") -> Path:
    path = tmp_path / "flow.yaml"
    path.write_text(f"name: limits\n{inputs}steps:\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("{{ 'x' * 800000000 }}", "800,000,000 characters or items"),
        ("{{ [1, 2] * 6000000 }}", "12,000,000 characters or items"),
        ("{{ 10 ** 100000000 }}", "a number to the power 100000000"),
    ],
)
def test_validate_finds_what_constants_would_build(tmp_path, text, what):
    flow = _flow(tmp_path, f'  - set: {{x: "{text}"}}\n')
    started = time.monotonic()
    done = run_cli("validate", str(flow))
    assert done.code == 2
    assert f"{flow}:3:14: steps[0].set.x: the template would build {what}" in done.err
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("{{ 'x' * n }}", {"n": 800_000_000}),
        ("{{ text + text }}", {"text": "y" * 6_000_000}),
        ("{{ n ** n }}", {"n": 10**6}),
        ("{% for i in items %}{{ 'z' * 1000 }}{% endfor %}", {"items": list(range(20_000))}),
    ],
)
def test_a_template_refuses_to_build_too_much_when_it_runs(text, variables):
    started = time.monotonic()
    with pytest.raises(template.TemplateProblem, match="the template would build"):
        template.render(text, variables)
    assert time.monotonic() - started < 5


def test_what_stays_within_bounds_renders():
    assert template.render("{{ 'ab' * 3 }}", {}) == "ababab"
    assert template.render("{{ 2 ** 10 }}", {}) == 1024
    assert len(template.render("{{ text + text }}", {"text": "y" * 1000})) == 2000


SECRET = "inputs:\n  password: {type: secret}\n"


LEAKS = {
    "log": ('  - log: "the password is {{ password }}"\n', "steps[0].log: secret 'password'"),
    "set-then-log": (
        '  - set: {p: "{{ password }}"}\n  - log: "{{ p }}"\n',
        "steps[1].log: secret 'p' would go into a log step",
    ),
    "goto": (
        '  - goto: "http://127.0.0.1/?p={{ password }}"\n',
        "steps[0].goto.url: secret 'password' would go into a goto step",
    ),
}


@pytest.mark.parametrize("case", sorted(LEAKS))
def test_validate_finds_a_secret_outside_a_fill(tmp_path, case):
    body, where = LEAKS[case]
    flow = _flow(tmp_path, body, SECRET)
    done = run_cli("validate", str(flow))
    assert done.code == 2
    assert where in done.err, done.err


def test_a_secret_filled_or_tested_passes(tmp_path):
    body = (
        '  - when: {expr: "password is not none"}\n'
        "    then:\n"
        '      - fill: {target: {css: "#p"}, value: "{{ password }}"}\n'
    )
    done = run_cli("validate", str(_flow(tmp_path, body, SECRET)))
    assert done.code == 0, done.err
