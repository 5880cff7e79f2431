"""The mock's history records: the three kinds, the devices, and one record as the site's JSON
endpoint (customer-history-records-v2) sends it. The three kinds share one record shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VOICE, SOUNDS, SMART_HOME = "voice", "sounds", "smarthome"
KINDS = (VOICE, SOUNDS, SMART_HOME)
# pageType query value -> kind. VOICE_HISTORY is the real one; the other two are invented.
PAGE_TYPES = {"VOICE_HISTORY": VOICE, "DETECTED_SOUNDS": SOUNDS, "SMART_HOME": SMART_HOME}
RECORD_TYPES = {VOICE: "VOICE_HISTORY", SOUNDS: "DETECTED_SOUNDS", SMART_HOME: "SMART_HOME"}

# The Alexa+ history (option alexa_plus): served by the rah feed, not by pageType.
ALEXA_PLUS = "alexa-plus"

SortKey = tuple[int, str]


@dataclass(frozen=True, slots=True)
class Device:
    name: str
    entity_id: str
    device_type: str
    serial: str


@dataclass(slots=True)
class Record:
    """One history entry. Text fields are already in the site's language."""

    key: str
    timestamp: int  # epoch ms
    kind: str
    device: Device
    profile: str | None
    utterance_type: str
    text: str  # transcript, replacement text, sound or event
    response: str
    domain: str | None
    intent: str | None
    skill: str | None
    uid: str
    has_audio: bool

    @property
    def sort_key(self) -> SortKey:
        return (self.timestamp, self.key)

    def to_json(self, replacements: dict[str, str]) -> dict[str, Any]:
        """The record as customer-history-records-v2 returns it (shared/alexa-site.md)."""
        return {
            "recordKey": self.key,
            "recordType": RECORD_TYPES[self.kind],
            "timestamp": self.timestamp,
            "device": {"deviceName": self.device.name, "deviceEntityId": self.device.entity_id},
            "profileName": self.profile,  # invented: sources don't show the speaker field
            "utteranceType": self.utterance_type,
            "domain": self.domain,
            "intent": self.intent,
            "skillName": self.skill,
            "voiceHistoryRecordItems": self._items(replacements),
        }

    def _items(self, replacements: dict[str, str]) -> list[dict[str, Any]]:
        def item(kind: str, text: str, agent: str | None = None) -> dict[str, Any]:
            return {
                "recordItemType": kind,
                "utteranceId": self.uid,
                "transcriptText": text,
                "agentVisualName": agent,
            }

        if self.kind == SOUNDS:
            return [item("DETECTED_SOUND", self.text)]
        if self.kind == SMART_HOME:
            return [item("SMART_HOME_EVENT", self.text)]
        if self.utterance_type in ("WAKE_WORD_ONLY", "DEVICE_ARBITRATION", "ASR_TIMEOUT"):
            return [item("ASR_REPLACEMENT_TEXT", self.text)]
        first = item("CUSTOMER_TRANSCRIPT", self.text)
        if self.response:
            return [first, item("ALEXA_RESPONSE", self.response, "Alexa")]
        return [first, item("TTS_REPLACEMENT_TEXT", replacements["TTS"], "Alexa")]
