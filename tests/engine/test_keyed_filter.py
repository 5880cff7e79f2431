"""`keyed`: each item with its key, for a feed whose records do not all carry one key field
(the Alexa+ history: an utterance's activityKey, a conversation's recordType and time), as a
flow template uses it; its patterns name plain fields only, so the sandbox stays shut."""

from __future__ import annotations

import pytest

from voicewipe.flow import template

pytestmark = pytest.mark.unit

RECORDS = [
    {"recordType": "utterance", "timestamp": 5, "activityKey": "C#5#DT#S"},
    {"recordType": "conversation", "timestamp": 4},
    {"recordType": "conversation", "timestamp": 3, "activityKey": None},
    "not a record",
]
PATTERNS = "keyed('{activityKey}', '{recordType}#{timestamp}')"


def test_each_item_gets_the_first_pattern_it_has_every_field_of():
    got = template.evaluate(f"items | {PATTERNS}", {"items": RECORDS})
    assert got == [
        ["C#5#DT#S", RECORDS[0]],
        ["conversation#4", RECORDS[1]],
        ["conversation#3", RECORDS[2]],
        [None, "not a record"],
    ]
    assert got[1][1] is RECORDS[1]  # the item itself, not a copy


def test_the_keys_and_the_items_missing_from_an_export_as_the_flows_take_them():
    scope = {"items": RECORDS[:3], "exported": {"C#5#DT#S": True}}
    keys = template.evaluate(f"items | {PATTERNS} | map(attribute='0') | list", scope)
    assert keys == ["C#5#DT#S", "conversation#4", "conversation#3"]
    missing = template.evaluate(
        f"items | {PATTERNS} | rejectattr('0', 'in', exported) | map(attribute='1') | list", scope
    )
    assert missing == RECORDS[1:3]


def test_a_pattern_reaches_no_attribute_or_index():
    items = [{"a": {"b": 1}}]
    got = template.evaluate("items | keyed('{a.__class__}', '{a[0]}', '{a}')", {"items": items})
    assert got == [["{'b': 1}", items[0]]]  # only the plain field matched
