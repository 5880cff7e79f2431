"""The listing's fast paths give what the slow ones gave: a page of export lines worked out in
one evaluation equals each line worked out alone (and a failure still names its field),
`record.field` on the site's JSON means what it meant in Jinja, and JSON lines through
orjson equal the standard library's, with its fallbacks for what orjson refuses."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from voicewipe import jsonlines
from voicewipe.errors import SafetyRefusal
from voicewipe.flow import template
from voicewipe.flow.values import Shape
from voicewipe.secret import Secret
from voicewipe.steps.write import _line

pytestmark = pytest.mark.unit
FLOWS_DIR = Path(__file__).resolve().parents[2] / "flows"


def _export_line_shape(file: str = "records.yaml") -> Any:
    """The export line as records.yaml (or records-rah.yaml) maps it: the write step of
    each_page, wherever the flow has its request."""
    flow = yaml.safe_load((FLOWS_DIR / "alexa" / file).read_text(encoding="utf-8"))
    request = _first(flow["steps"], "request")["request"]
    return _first(request["paginate"]["each_page"], "write")["write"]["value"]


def _first(steps: list[Any], kind: str) -> Any:
    """The first step of `kind` among `steps` and the steps they hold (then, else)."""
    for step in steps:
        if kind in step:
            return step
        for body in ("then", "else"):
            found = _first(step.get(body) or [], kind) if isinstance(step, dict) else None
            if found is not None:
                return found
    return None


_text = st.text(max_size=12)
_maybe = st.none() | _text
_item = st.fixed_dictionaries(
    {"recordItemType": st.sampled_from(["CUSTOMER_TRANSCRIPT", "ALEXA_RESPONSE", "X"])},
    optional={"transcriptText": _maybe, "utteranceId": _maybe},
)
_record = st.fixed_dictionaries(
    {
        "recordKey": _text,
        "timestamp": st.integers(0, 2**41),
        "voiceHistoryRecordItems": st.lists(_item, max_size=4),
    },
    optional={
        "device": st.none() | st.fixed_dictionaries({}, optional={"deviceName": _maybe}),
        "utteranceType": _maybe,
        "intent": _maybe,
        "items": _text,  # a field named like a dict method
    },
)


_person = st.fixed_dictionaries({}, optional={"personFirstName": _maybe, "personId": _text})
_device = st.fixed_dictionaries({}, optional={"deviceName": _maybe})
_plus_record = st.fixed_dictionaries(
    {
        "recordType": st.sampled_from(["utterance", "conversation"]),
        "timestamp": st.integers(0, 2**41),
    },
    optional={
        "activityKey": _text,
        "title": _maybe,
        "subTitle": _maybe,
        "deviceInfo": st.none() | _device | st.lists(_device, max_size=2),
        "personsInfo": st.none() | st.lists(_person, max_size=2),
        "voiceHistoryRecordItems": st.none() | st.lists(_item, max_size=3),
        "intent": _maybe,
    },
)


@settings(max_examples=80, deadline=None)
@given(records=st.lists(_record, max_size=8))
def test_a_page_of_export_lines_at_once_equals_each_alone(records):
    _same_either_way("records.yaml", records)


@settings(max_examples=80, deadline=None)
@given(records=st.lists(_plus_record, max_size=8))
def test_a_page_of_alexa_plus_lines_at_once_equals_each_alone(records):
    _same_either_way("records-rah.yaml", records)


def test_the_raw_field_is_the_record_itself_not_a_copy():
    record = {"recordKey": "k", "activityKey": "k", "recordType": "utterance", "timestamp": 1,
              "voiceHistoryRecordItems": [], "new": {"x": 1}}  # fmt: skip
    for file in ("records.yaml", "records-rah.yaml"):
        (line,) = Shape(_export_line_shape(file)).render_each([record], "r", {"to": "p"})
        assert line["raw"] is record


def _same_either_way(file: str, records: list[Any]) -> None:
    shape = Shape(_export_line_shape(file))
    scope = {"to": "part.jsonl", "site": "http://127.0.0.1"}
    assert _outcome(lambda: shape.render_each(records, "r", scope)) == _outcome(
        lambda: [shape.render({**scope, "r": record}) for record in records]
    )


def _outcome(work: Any) -> Any:
    """What the work gives, or the problem it names (a record the flow cannot map)."""
    try:
        return work()
    except template.TemplateProblem as problem:
        return f"problem: {problem}"


def test_a_failing_field_is_named_as_before():
    shape = Shape({"a": "{{ r.key }}", "b": "{{ r.when | iso }}"})
    with pytest.raises(template.TemplateProblem, match="iso: cannot turn str into a time"):
        shape.render_each([{"key": 1, "when": 5}, {"key": 2, "when": "soon"}], "r", {})


def test_text_fields_with_the_item_inside_are_rendered_per_item():
    shape = Shape({"id": "{{ r.key }}", "label": "record {{ r.key }} of {{ total }}"})
    got = shape.render_each([{"key": 1}, {"key": 2}], "r", {"total": 2})
    assert got == [{"id": 1, "label": "record 1 of 2"}, {"id": 2, "label": "record 2 of 2"}]


def test_an_item_field_named_like_a_dict_method_is_the_method_as_in_jinja():
    # Jinja's `x.items` is the attribute first: the fast path keeps that.
    got = template.evaluate("r.items is callable", {"r": {"items": "field"}})
    assert got is True
    assert template.evaluate("r['items']", {"r": {"items": "field"}}) == "field"
    assert template.evaluate("r.name", {"r": {"name": "field"}}) == "field"


_finite = st.floats(allow_nan=False, allow_infinity=False)  # orjson writes the others as null


@settings(max_examples=200, deadline=None)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | _finite | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_json_lines_read_back_as_the_standard_librarys(value):
    line = jsonlines.line(value)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert jsonlines.loads(line) == json.loads(line) == json.loads(json.dumps(value))


def test_what_orjson_refuses_goes_to_the_standard_library():
    assert jsonlines.loads(b"[NaN, 1]")[1] == 1 and math.isnan(jsonlines.loads(b"[NaN]")[0])
    assert jsonlines.loads(str(2**70)) == 2**70
    assert json.loads(jsonlines.line({"big": 2**70})) == {"big": 2**70}
    with pytest.raises(ValueError):
        jsonlines.loads(b'{"cut": ')


def test_a_secret_in_a_line_is_refused_not_written():
    with pytest.raises(SafetyRefusal, match="secret 'password'"):
        _line({"oops": Secret("password", "hunter2", origins=())})
