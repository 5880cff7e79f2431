"""Every option of every command says what it does, in a whole sentence: `--help` is where a
person looks first, and a cut-off text (`... a rehearsal that stops before`) says nothing."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from voicewipe.cli import COMMANDS, build_parser

pytestmark = pytest.mark.unit

# A text ending on one of these was cut short.
_DANGLING = {"a", "an", "and", "at", "before", "by", "for", "in", "of", "or", "the", "to", "with"}


def _options(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.Action]]:
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        yield f"{path} {'/'.join(action.option_strings) or action.dest}", action
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, f"{path} {name}")


def test_every_option_has_a_whole_help_text():
    missing, cut = [], []
    for where, action in _options(build_parser(), "voicewipe"):
        text = action.help
        if not text or text == argparse.SUPPRESS:
            missing.append(where)
        elif text.rstrip(" .,;:").split()[-1].lower() in _DANGLING:
            cut.append(f"{where}: {text!r}")
    assert not missing, f"options without help: {missing}"
    assert not cut, f"help texts cut short: {cut}"


def test_every_command_prints_its_help():
    # What --help prints (argparse formats it only then: a stray % in a text fails here).
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(COMMANDS)
    for name, parser in sub.choices.items():
        assert parser.format_help().startswith(f"usage: voicewipe {name}")
