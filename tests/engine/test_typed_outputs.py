"""A flow's outputs may declare their types ({value, type, nullable}); a run whose output gives
something else fails the flow, naming the output and where it is declared."""

from __future__ import annotations

from pathlib import Path

from clirun import run_cli


def _flow(tmp_path: Path, outputs: str) -> Path:
    path = tmp_path / "typed.yaml"
    path.write_text(
        f"name: typed\noutputs:\n{outputs}steps:\n  - set: {{n: 3, word: three}}\n",
        encoding="utf-8",
    )
    return path


def test_outputs_of_their_declared_type_pass(tmp_path):
    flow = _flow(
        tmp_path,
        '  n: {value: "{{ n }}", type: integer}\n'
        '  word: {value: "{{ word }}", type: string}\n'
        '  nothing: {value: "{{ none }}", type: integer, nullable: true}\n'
        '  plain: "{{ n }}"\n',
    )
    done = run_cli("run", str(flow), "--out", str(tmp_path / "out"), "--no-screenshots")
    assert done.code == 0, done.err


def test_an_output_of_another_type_fails_the_flow(tmp_path):
    flow = _flow(tmp_path, '  n: {value: "{{ word }}", type: integer}\n')
    done = run_cli("run", str(flow), "--out", str(tmp_path / "out"), "--no-screenshots")
    assert done.code == 1
    assert f"output 'n' is 'three', not integer ({flow}: outputs.n)" in done.err


def test_an_unknown_output_type_is_a_located_error(tmp_path):
    flow = _flow(tmp_path, '  n: {value: "{{ n }}", type: int}\n')
    done = run_cli("validate", str(flow))
    assert done.code == 2
    assert f"{flow}:3:" in done.err and "outputs.n.type" in done.err, done.err
