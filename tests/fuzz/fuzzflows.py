"""What the loader fuzz tests share: how many cases to run, the check every case must pass, a
time limit per case, and the strategies that make the cases (random YAML, and mutations of
the flows the project ships).

The check is the loader's promise: a file either loads, or is refused with a FlowError whose
every line names the file, line and column (one line per problem); never another exception,
never a hang.
"""

from __future__ import annotations

import contextlib
import copy
import faulthandler
import os
import random
import re
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from voicewipe.errors import FlowError
from voicewipe.flow.diagnose import _models_in
from voicewipe.flow.loader import load_flow
from voicewipe.flow.model import Flow
from voicewipe.flow.steps import MODELS
from voicewipe.flow.yamlsrc import parse_yaml

ROOT = Path(__file__).resolve().parents[2]

# --- How many cases -----------------------------------------------------------------------

# The whole fuzz run is VOICEWIPE_FUZZ_EXAMPLES cases (10,000 for the full run), shared out
# between the tests by the weights they pass to fuzz_settings(); the main suite runs a few
# hundred. The weights add up to 1.
EXAMPLES = int(os.environ.get("VOICEWIPE_FUZZ_EXAMPLES", "300"))

# Every case runs within this many seconds (a loaded machine included); a hang in C code,
# where the alarm cannot reach, is stopped by faulthandler a little later, with a traceback.
CASE_SECONDS = 5.0


def fuzz_settings(weight: float) -> settings:
    return settings(
        max_examples=max(5, round(EXAMPLES * weight)),
        deadline=None,  # time_limit() below is the limit; a busy machine is not a failure
        database=None,  # no .hypothesis folder in the repository; failures print a blob
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# What ran, for the line the fuzz conftest prints at the end of the session.
TALLY: Counter[str] = Counter()


class CaseTimeout(BaseException):
    """A case ran over its time limit. A BaseException, so that no `except Exception` in the
    code under test can swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float = CASE_SECONDS) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise CaseTimeout(f"the case took more than {seconds} s (a hang?)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    faulthandler.dump_traceback_later(seconds * 4, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- The check ----------------------------------------------------------------------------

# `file:line:column: what`; `file: what` only for a file that cannot be read at all; and the
# line that says how many more problems there are past the first ten.
LOCATED = re.compile(r"^[^\s:][^:\n]*:\d+:\d+: \S")
UNREADABLE = re.compile(
    r"^[^\s:][^:\n]*: (no such file|is a folder|not UTF-8 text|cannot read|missing from the)"
)
MORE = re.compile(r"^\.\.\. and \d+ more$")


def is_problem_line(line: str) -> bool:
    return bool(LOCATED.match(line) or UNREADABLE.match(line) or MORE.match(line))


def check_message(message: str) -> None:
    """A FlowError's message: one located line per problem, nothing else."""
    assert message, "an empty message"
    assert "Traceback" not in message, message
    for line in message.split("\n"):
        assert is_problem_line(line), f"not a located line: {line!r}"


def loads_or_refuses(path: Path, load: Callable[[Path], object] = load_flow) -> str:
    """Load one file; 'loaded' or 'refused' (with a well-formed message). Anything else fails."""
    with time_limit():
        try:
            load(path)
        except FlowError as error:
            check_message(str(error))
            TALLY["refused"] += 1
            return "refused"
    TALLY["loaded"] += 1
    return "loaded"


def write_case(path: Path, case: str | bytes) -> Path:
    if isinstance(case, str):
        # Lone surrogates cannot be UTF-8: they reach the loader as the invalid bytes they are.
        case = case.encode("utf-8", "surrogatepass")
    path.write_bytes(case)
    return path


# --- The vocabulary -----------------------------------------------------------------------


def _vocabulary() -> list[str]:
    """Every key the flow language knows, found by walking the models from Flow."""
    seen: set[type] = set()
    keys: set[str] = set()
    todo: list[type] = [Flow]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
            todo.extend(_models_in(info.annotation))
    return sorted(keys)


KEYS = _vocabulary()
KINDS = sorted(MODELS)

# Scalars that PyYAML reads as something other than text, or reads badly.
ODD_SCALARS = [
    "2024-13-40", "2024-02-30", "2024-06-03", "2024-06-03T25:61:61Z", "1_000", "0o17", "0x1F",
    "0b102", "1:20:30", "1:60:99", "-.inf", ".inf", ".NaN", "1e999", "-1e-999", "~", "null",
    "yes", "no", "on", "off", "True", "FALSE", "=", "<<", "!!int abc", "!!float x", "!!bool maybe",
    "!!timestamp today", "!!binary ^^^", "!!binary aGVsbG8=", "!!null", "!!str", "!!set {a, b}",
    "!!omap [{a: 1}, {a: 2}]", "!!pairs [{a: 1}]", "!!python/object:os.system ls", "!foo bar",
    "!<tag:yaml.org,2002:int> 12", "!!merge x", "!!value", "%TAG ! tag:x,2000:", "1" * 5000,
    "0x" + "f" * 200, "-0b" + "1" * 80, "9" * 20 + ":" + "59:" * 30 + "1", "0." + "0" * 400 + "1",
]  # fmt: skip

ODD_TEXT = [
    "\t", "\u00a0", "\u200b", "\u202e", "\ufeff", "\ufffe", "\uffff", "\x00", "\x07", "\x85",
    "\u2028", "\u2029", "\r", "\r\n", "\U0001f600", "ß", "İ", "ﬁ", "ǅ", "\u0301", "𝔘", "%",
    "'", '"', "\\", "{{", "}}", "{%", "%}", "{#", "{{ x }}", "{{ run.out }}", "{{ ((((( }}",
    "{% for %}", "{{ a | nofilter }}", "{{ ''.__class__ }}", "((((((((((", "[z-a]", "*+?",
]  # fmt: skip

TOKENS = [
    *ODD_SCALARS[:-6],  # the long ones come through ODD_SCALARS themselves
    *ODD_TEXT,
    *(f"{key}: " for key in KEYS),
    *(f"- {kind}: " for kind in KINDS),
    "name: x\n", "steps:\n", "  ", "    ", "\n", "\n  ", "\n- ", "- ", ": ", ":", ",", "?",
    "? ", "[", "]", "{", "}", "|", "|-", ">", ">+", "#", " #", "---", "---\n", "...", "\n...\n",
    "%YAML 1.2\n", "%YAML 1.1\n---\n", "&a ", "&b ", "*a", "*b", "&a [*a]", "*undefined",
    "<<: *a", "!!", "!", "@", "`", "'x'", '"x"', '"\\x"', '"\\u12"', '"\\U0001F600"', "'it''s'",
]  # fmt: skip


# --- Random YAML --------------------------------------------------------------------------

odd_characters = st.characters(codec=None, exclude_categories=())  # surrogates included
short_text = st.text(alphabet=odd_characters, max_size=12)

scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.sampled_from(KEYS + KINDS),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=30),
    short_text.filter(lambda text: not any(0xD800 <= ord(c) <= 0xDFFF for c in text)),
    st.sampled_from(["10s", "500ms", "2m", "-1s", "1e999s", "1 h", "", " ", "first", "all"]),
)


def _key() -> st.SearchStrategy[Any]:
    """Mostly the language's own keys; now and then one YAML would not read as text."""
    return st.one_of(
        st.sampled_from(KEYS + KINDS),
        st.sampled_from(KEYS + KINDS),
        st.text(max_size=10),
        st.one_of(st.integers(), st.none(), st.dates()),
    )


values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(_key(), children, max_size=5)
    ),
    max_leaves=40,
)

steps_like = st.dictionaries(
    st.sampled_from(KEYS + KINDS), values, min_size=1, max_size=4
) | st.builds(lambda kind, body: {kind: body}, st.sampled_from(KINDS), values)

flowish: st.SearchStrategy[Any] = st.fixed_dictionaries(
    {"name": st.one_of(st.just("fuzz"), scalars), "steps": st.lists(steps_like, max_size=6)},
    optional=dict.fromkeys(("origins", "inputs", "outputs", "mask", "timeout"), values),
)


def dump(data: Any, style: bool | None) -> str:
    return yaml.safe_dump(data, default_flow_style=style, allow_unicode=True, sort_keys=False)


structured = st.builds(dump, st.one_of(flowish, values), st.sampled_from([None, True, False]))

token_soup = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.text(alphabet=odd_characters, max_size=4)), max_size=60
).map("".join)

random_text = st.text(alphabet=odd_characters, max_size=500)
random_bytes = st.binary(max_size=500)

BASE = "name: fuzz\nsteps:\n  - log: hello\n"


@st.composite
def alias_documents(draw: st.DrawFn) -> str:
    """Anchors and aliases: chains that multiply (billion laughs, with lists or merge keys),
    aliases of the value that holds them, undefined and repeated anchors."""
    kind = draw(st.sampled_from(["laughs", "merges", "loop", "undefined", "reuse", "shared"]))
    levels = draw(st.integers(1, 12))
    width = draw(st.integers(1, 12))
    where = draw(st.sampled_from(["top", "set", "default", "steps", "log"]))
    lines = []
    if kind == "laughs":
        lines.append("a0: &a0 [" + ", ".join(["lol"] * width) + "]")
        for i in range(1, levels + 1):
            lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    elif kind == "merges":
        lines.append("a0: &a0 {k: v}")
        for i in range(1, levels + 1):
            merged = ", ".join([f"*a{i - 1}"] * width)
            lines.append(f"a{i}: &a{i} {{<<: [{merged}], k{i}: v}}")
    elif kind == "loop":
        lines.append(
            draw(st.sampled_from(["a0: &a0 [*a0]", "a0: &a0 {x: *a0}", "a0: &a0 [[*a0]]"]))
        )
        levels = 0
    elif kind == "undefined":
        lines.append("a0: *nowhere")
        levels = 0
    elif kind == "reuse":
        lines.append("a0: &a0 [x]\nb: &a0 [y]")
        levels = 0
    else:
        lines.append("a0: &a0 {log: shared}")
        levels = 0
    top = f"*a{levels}"
    if where == "top":
        body = "\n".join(lines) + "\n" + BASE
    else:
        # The anchors sit under a key of their own and the last one is used in the flow.
        anchors = "\n".join("  " + line for line in lines)
        use = {
            "set": f"  - set: {{v: {top}}}",
            "default": "",
            "steps": f"  - {top}",
            "log": f"  - log: {top}",
        }[where]
        inputs = f"inputs:\n  x: {{default: {top}}}\n" if where == "default" else ""
        body = f"name: fuzz\nx-anchors:\n{anchors}\n{inputs}steps:\n  - log: hi\n{use}\n"
    return body


@st.composite
def deep_documents(draw: st.DrawFn) -> str:
    """Values nested deeper than anything real, in flow or block style, where steps go or
    inside a step's own fields."""
    depth = draw(st.integers(1, 1500))
    style = draw(st.sampled_from(["list", "map", "block", "steps"]))
    if style == "list":
        value = "[" * depth + "]" * depth
    elif style == "map":
        value = "{a: " * depth + "1" + "}" * depth
    elif style == "steps":
        value = "".join("[{when: {expr: 'true'}, then: " for _ in range(depth)) + "[{log: x}]"
        value += "}]" * depth
        return f"name: fuzz\nsteps: {value}\n"
    else:
        block = "".join("  " * i + "- \n" for i in range(min(depth, 300)))
        return f"name: fuzz\nsteps:\n{block}"
    where = draw(st.sampled_from(["steps", "set", "log", "top"]))
    return {
        "steps": f"name: fuzz\nsteps: {value}\n",
        "set": f"name: fuzz\nsteps:\n  - set: {{v: {value}}}\n",
        "log": f"name: fuzz\nsteps:\n  - log: {value}\n",
        "top": value,
    }[where]


@st.composite
def template_documents(draw: st.DrawFn) -> str:
    """Templates and patterns that stress Jinja's parser and Python's regex compiler."""
    depth = draw(st.integers(1, 2000))
    inner = draw(
        st.sampled_from(
            [
                "(" * depth + "1" + ")" * depth,
                "[" * depth + "]" * depth,
                "x" + "|length" * depth,
                "-" * depth + "1",
                "(" * depth,
            ]
        )
    )
    field = draw(st.sampled_from(["log", "url_matches", "matches", "expr"]))
    text = f"{{{{ {inner} }}}}"
    if field == "log":
        step = f"log: {yaml_quote(text)}"
    elif field == "expr":
        step = f"when: {{expr: {yaml_quote(inner)}, then: [{{log: x}}]}}"
    else:
        pattern = draw(st.sampled_from(["(" * depth + ")" * depth, "a{99999999999}", "(" * depth]))
        step = f"expect: {{target: x, {field}: {yaml_quote(pattern)}}}"
        if field == "url_matches":
            step = f"expect: {{url_matches: {yaml_quote(pattern)}}}"
    return f"name: fuzz\nsteps:\n  - {step}\n"


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- Mutations of the shipped flows -------------------------------------------------------

ALEXA = ROOT / "flows" / "alexa"
SHIPPED_FOLDERS = [ALEXA, ROOT / "flows" / "examples", ROOT / "tests" / "engine" / "flows"]
SHIPPED = sorted(file for folder in SHIPPED_FOLDERS for file in folder.glob("*.yaml"))
# The data files of a flows folder, which `voicewipe validate` and --flows read too.
DATA_FILES = [ALEXA / "marketplaces.yaml", *sorted((ALEXA / "languages").glob("*.yaml"))]


@dataclass(frozen=True)
class Shipped:
    path: Path  # in the repository
    text: str
    data: Any  # as the loader reads it


def shipped(paths: list[Path] = SHIPPED) -> list[Shipped]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        found.append(Shipped(path, text, parse_yaml(text, str(path)).data))
    return found


def _places(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in the data, for a mutation to pick from."""
    found: list[tuple[Any, Any]] = []
    stack = [data]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                found.append((current, key))
                stack.append(value)
        elif isinstance(current, list):
            for index, value in enumerate(current):
                found.append((current, index))
                stack.append(value)
    return found


def _steps(data: Any) -> list[dict[Any, Any]]:
    return [
        value
        for container, key in _places(data)
        if isinstance(value := container[key], dict) and any(kind in value for kind in KINDS)
    ]


# Where a mutation strikes is chosen with a Random seeded by Hypothesis (so a failure replays):
# Hypothesis's own choices favour the ends of a range, which would keep hitting the file's
# first key or cutting it to nothing.
junk_keys = st.one_of(st.sampled_from(KEYS + KINDS), st.text(max_size=10))


def _data_mutation(draw: st.DrawFn, rnd: random.Random, data: Any) -> str:
    """Change the data: delete a key, change a value's type, insert junk, swap values between
    steps, duplicate an item; then write it out as YAML again."""
    places = _places(data)
    operator = draw(st.sampled_from(["delete", "retype", "junk", "swap", "duplicate"]))
    if places:
        container, key = rnd.choice(places)
        if operator == "delete":
            del container[key]
        elif operator == "retype":
            container[key] = draw(values)
        elif operator == "junk":
            if isinstance(container, dict):
                container[draw(junk_keys)] = draw(values)
            else:
                container.insert(rnd.randint(0, len(container)), draw(values))
        elif operator == "duplicate" and isinstance(container, list):
            container.insert(key, copy.deepcopy(container[key]))
        elif operator == "swap":
            steps = _steps(data)
            if len(steps) >= 2:
                one, two = rnd.choice(steps), rnd.choice(steps)
                first, second = rnd.choice(list(one)), rnd.choice(list(two))
                one[first], two[second] = copy.deepcopy(two[second]), copy.deepcopy(one[first])
    return dump(data, draw(st.sampled_from([None, False])))


def _text_mutation(draw: st.DrawFn, rnd: random.Random, text: str) -> str:
    """Change the text: truncate it, delete, duplicate or swap lines, break a line's
    indentation, insert junk or change one character."""
    lines = text.split("\n")
    operator = draw(
        st.sampled_from(["truncate", "delete", "duplicate", "swap", "indent", "junk", "char"])
    )
    at = rnd.randrange(len(lines))
    if operator == "truncate":
        return text[: rnd.randint(0, len(text))]
    if operator == "delete":
        del lines[at]
    elif operator == "duplicate":
        lines.insert(rnd.randint(0, len(lines)), lines[at])
    elif operator == "swap":
        other = rnd.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    elif operator == "indent":
        line = lines[at]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        new = draw(st.sampled_from(["more", "less", "tab", "odd"]))
        if new == "more":
            lines[at] = " " * (indent + rnd.randint(1, 4)) + stripped
        elif new == "less":
            lines[at] = " " * max(indent - rnd.randint(1, 4), 0) + stripped
        elif new == "tab":
            lines[at] = "\t" * max(indent // 2, 1) + stripped
        else:
            lines[at] = " " * (indent + 1) + stripped
    else:
        where = rnd.randint(0, len(text))
        if operator == "junk":
            junk = draw(st.one_of(token_soup, st.sampled_from(ODD_SCALARS), short_text))
            return text[:where] + junk + text[where:]
        char = draw(st.one_of(st.sampled_from(ODD_TEXT), st.characters(codec=None)))
        return text[:where] + char + text[where + 1 :]
    return "\n".join(lines)


@st.composite
def mutated(draw: st.DrawFn, files: list[Shipped]) -> tuple[Shipped, str]:
    """A shipped flow with one to four mutations: of its data first (0 to 2), then of its
    text (0 to 2). Returns the original and the mutated text."""
    original = draw(st.sampled_from(files))
    rnd = draw(st.randoms(use_true_random=True))
    data_changes = draw(st.integers(0, 2))
    text_changes = draw(st.integers(0 if data_changes else 1, 2))
    text = original.text
    if data_changes:
        data = copy.deepcopy(original.data)
        for _ in range(data_changes):
            text = _data_mutation(draw, rnd, data)
    for _ in range(text_changes):
        text = _text_mutation(draw, rnd, text)
    return original, text


def any_case(files: list[Shipped]) -> st.SearchStrategy[str | bytes]:
    """A case of any of the kinds above (for the command-line sample)."""
    return st.one_of(
        structured,
        token_soup,
        random_text,
        random_bytes,
        alias_documents(),
        deep_documents(),
        template_documents(),
        mutated(files).map(lambda pair: pair[1]),
    )
