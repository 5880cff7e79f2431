"""The classic feed as clients log it in 2025-2026 (MockConfig.feed="2025"; shared/alexa-site.md
"The classic feed, as clients use it now"): the records' newer fields and utteranceType values,
and the household's voice profiles (GET /alexa-privacy/apd/rvh/persons-in-household).

Invented where sources are silent (mock/README.md): the person ids and types, which records get
which newer utteranceType (by their time, so the seeded data stays as it is), the PROFILE item
coming last, isFeedbackPositive null and cardResponse null.
"""

from __future__ import annotations

import hashlib
from typing import Any

from voicewipe.mock import corpus
from voicewipe.mock.config import DEMO_CUSTOMER_ID
from voicewipe.mock.records import Record

PERSONS_PATH = "/alexa-privacy/apd/rvh/persons-in-household"


def person(name: str) -> dict[str, Any]:
    digest = hashlib.sha256(f"person-{name}".encode()).hexdigest()[:24].upper()
    return {
        "personId": f"amzn1.actor.person.oid.{digest}",
        "personFirstName": name,
        "personType": "PRIMARY" if name == corpus.PROFILES[0] else "ADULT",
    }


def household() -> list[dict[str, Any]]:
    return [person(name) for name in corpus.PROFILES if name]


def persons_of(record: Record) -> list[dict[str, Any]]:
    return [person(record.profile)] if record.profile else []


def _utterance_type(record: Record) -> str:
    kind, pick = record.utterance_type, record.timestamp % 4
    if kind == "GENERAL" and pick == 0:
        return "ROUTINES_3P" if record.skill else "ROUTINES_OR_TAP_TO_ALEXA"
    if kind == "GENERAL" and pick == 1:
        return "ROUTINES_OR_TAP_TO_ALEXA"
    if kind == "WAKE_WORD_ONLY":
        return "FALSE_WAKE_WORD_1P" if pick < 2 else kind
    if kind == "NO_EXPRESSED_INTENT":
        return "DISCARDED_NON_DEVICE_DIRECTED_INTENT"
    return kind


def newer(out: dict[str, Any], record: Record) -> dict[str, Any]:
    """`out` (the record's classic JSON) with the 2025 fields, changed in place."""
    persons = persons_of(record)
    out["customerId"] = DEMO_CUSTOMER_ID
    out["isBinaryFeedbackProvided"] = False
    out["isFeedbackPositive"] = None
    out["personsInfo"] = persons
    out["cardResponse"] = None
    if record.kind == "voice":
        out["utteranceType"] = _utterance_type(record)
    items = out["voiceHistoryRecordItems"]
    for index, item in enumerate(items):
        item["recordItemKey"] = f"{record.key}#{index}"
        item["timestamp"] = record.timestamp
        item["personsInfo"] = persons
    if persons:
        items.append(
            {
                "recordItemType": "PROFILE",
                "recordItemKey": f"{record.key}#{len(items)}",
                "utteranceId": None,
                "timestamp": 0,
                "transcriptText": None,
                "agentVisualName": None,
                "personsInfo": persons,
            }
        )
    return out
