"""The Alexa+ history's records (option alexa_plus), seeded, and each as the rah feed sends it.

Shaped as shared/alexa-site.md says ("What changed in 2025-2026"): recordType "utterance" or
"conversation", title and subTitle, utteranceType and intent sometimes missing (intent often
"UNKNOWN"), deviceInfo an object on utterances, a list (sometimes empty) on conversations and
null for routines and lists, activityKey on utterances only, personsInfo. What the sources do
not show (audio, the key of a conversation, deviceInfo's fields) is invented: mock/README.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from voicewipe.mock import corpus
from voicewipe.mock.config import DEMO_CUSTOMER_ID, MockConfig
from voicewipe.mock.records import ALEXA_PLUS, Device, Record
from voicewipe.mock.seeding import timestamps, utterance_id

_PERSON_TYPES = {"Sam": "PRIMARY", "Jamie": "HOUSEHOLD_MEMBER", "Robin": "HOUSEHOLD_MEMBER"}
# Intents whose records show no device (deviceInfo null): routines and lists.
_NO_DEVICE_INTENTS = ("RoutineTriggerIntent", "AddToListIntent")


@dataclass(slots=True)
class PlusRecord(Record):
    """One Alexa+ entry. `device` is where it was heard (the page's device filter matches
    it); `shown` the devices the feed names (none for routines and lists: deviceInfo null)."""

    record_type: str = "utterance"
    shown: list[Device] | None = None
    persons: list[str] = field(default_factory=list)
    replacement: str | None = None

    def to_json(self, replacements: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {"recordType": self.record_type, "timestamp": self.timestamp}
        out["title"], out["subTitle"] = self.text, self.response
        if self.utterance_type:
            out["utteranceType"] = self.utterance_type
        if self.intent is not None:
            out["intent"] = self.intent
        out["deviceInfo"] = self._device_info()
        if self.record_type == "utterance":
            out["activityKey"] = self.key
        out["personsInfo"] = [
            {"personId": _person_id(p), "personFirstName": p, "personType": _PERSON_TYPES[p]}
            for p in self.persons
        ]
        out["voiceHistoryRecordItems"] = self._plus_items()
        return out

    def _device_info(self) -> Any:
        if self.shown is None:
            return None
        info = [
            {"deviceName": d.name, "deviceType": d.device_type, "deviceSerialNumber": d.serial}
            for d in self.shown
        ]
        return info[0] if self.record_type == "utterance" else info

    def _plus_items(self) -> list[dict[str, Any]]:
        items = []
        if self.replacement is not None:
            items.append(_item("ASR_REPLACEMENT_TEXT", self.uid, self.replacement))
        items.append(_item("CUSTOMER_TRANSCRIPT", self.uid, self.text))
        items.append(_item("ALEXA_RESPONSE", self.uid, self.response))
        return items


def _item(kind: str, uid: str, text: str) -> dict[str, Any]:
    return {"recordItemType": kind, "utteranceId": uid, "transcriptText": text}


def _person_id(name: str) -> str:
    return f"amzn1.actor.person.oid.{DEMO_CUSTOMER_ID}{name.upper()}"


def plus_records(config: MockConfig, lang: str, now: int, devices: list[Device]) -> list[Record]:
    """The Alexa+ history: `config.alexa_plus_records` entries, a third of them
    conversations; drawn from their own seed, so the other histories stay as they are."""
    rng = random.Random(f"alexa-plus-{config.seed}")
    utterances = corpus.UTTERANCES[lang]
    out: list[Record] = []
    for ts in timestamps(rng, config.alexa_plus_count, now, config):
        u = rng.choice(utterances)
        device = rng.choice(devices)
        conversation = rng.random() < 0.33
        kind = "conversation" if conversation else "utterance"
        person = rng.choice(corpus.PROFILES)
        intent = rng.choice(["UNKNOWN", "UNKNOWN", u.intent, *_NO_DEVICE_INTENTS])
        if conversation:
            shown: list[Device] | None = rng.choice([[device], [device, rng.choice(devices)], []])
            key = f"conversation#{ts}"
        else:
            shown = [device]
            key = f"{DEMO_CUSTOMER_ID}#{ts}#{device.device_type}#{device.serial}"
        out.append(
            PlusRecord(
                key=key,
                timestamp=ts,
                kind=ALEXA_PLUS,
                device=device,
                profile=person,
                utterance_type=rng.choice(["", "GENERAL", "GENERAL"]),
                text=u.transcript,
                response=u.response,
                domain=None,
                intent=None if rng.random() < 0.2 else intent,
                skill=None,
                uid=utterance_id(rng, ts, device),
                has_audio=not conversation and rng.random() < 0.7,
                record_type=kind,
                shown=None if intent in _NO_DEVICE_INTENTS else shown,
                persons=[person] if person else [],
                replacement=_replacement(rng, lang, conversation),
            )
        )
    return out


def _replacement(rng: random.Random, lang: str, conversation: bool) -> str | None:
    if conversation or rng.random() >= 0.1:
        return None
    return corpus.REPLACEMENTS[lang]["DEVICE_ARBITRATION"]
