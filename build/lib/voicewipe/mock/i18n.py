"""The site's words and names: labels per locale (locales/*.yaml) and the ids/classes of the
pages, in their normal and "drift" (redesigned) variants.

Templates and the pages' JavaScript take every label and every class name from here, so the
drift variant is one table away from the normal one and nothing is spelt twice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voicewipe.mock.config import LOCALES

_DIR = Path(__file__).parent / "locales"

# Element ids and classes. Real ones (shared/alexa-site.md) where known; the rest invented.
# The drift variant renames the history and settings pages' classes, as a redesign would;
# sign-in ids and the csrf meta tag stay, because Amazon keeps those across redesigns.
NAMES: dict[str, str] = {
    "filter_bar": "filters-selected-bar",  # id
    "filter_menu": "filter-menu",  # id
    "date_menu": "filter-by-date-menu",
    "device_menu": "filter-by-device-menu",
    "filter_row": "filter-row",
    "date_radio": "date-filter",  # radio name
    "device_check": "device-filter",  # checkbox name
    "custom_range": "custom-date-range-filter",  # id
    "date_start": "date-start",  # id
    "date_end": "date-end",  # id
    "delete_all": "delete-all-recordings-button",  # id
    "list": "apd-records-list",  # id
    "box": "apd-content-box",
    "record_info": "record-info",
    "device": "device-name",
    "profile": "profile-name",
    "preview": "record-summary-preview",
    "transcript": "customer-transcript",
    "replacement": "replacement-text",
    "details": "record-details",
    "expand": "apd-expand-toggle-button",
    "play": "play-audio-button",
    "delete": "record-delete-button",
    "message": "full-width-message",
    "deleting": "record-deletion-in-progress",
    "status_label": "record-status-label",
    "dialog": "delete-confirm-dialog",  # id
    "confirm": "delete-confirm-button",  # id
    "cancel": "delete-cancel-button",  # id
    "result": "delete-result-message",  # id
    "retention_radio": "retention-setting",  # radio name
    "retention_confirm": "retention-confirm-button",  # id
    "retention_dialog": "retention-confirm-dialog",  # id
    "retention_dialog_confirm": "retention-dialog-confirm-button",  # id
    "retention_dialog_cancel": "retention-dialog-cancel-button",  # id
    "voice_delete_toggle": "voice-deletion-toggle",  # id
    "improve_toggle": "data-improves-alexa-toggle",  # id
}

DRIFT_NAMES: dict[str, str] = {
    **NAMES,
    "filter_bar": "vh-filter-bar",
    "filter_menu": "vh-filter-panel",
    "date_menu": "vh-date-options",
    "device_menu": "vh-device-options",
    "filter_row": "vh-option",
    "date_radio": "vh-period",
    "custom_range": "vh-custom-period",
    "date_start": "vh-from",
    "date_end": "vh-to",
    "delete_all": "vh-remove-all",
    "box": "vh-record-card",
    "record_info": "vh-record-meta",
    "device": "vh-device",
    "profile": "vh-speaker",
    "preview": "vh-summary",
    "transcript": "vh-transcript",
    "replacement": "vh-placeholder-text",
    "expand": "vh-toggle-details",
    "play": "vh-play",
    "delete": "vh-remove",
    "message": "vh-list-status",
    "deleting": "vh-removing",
    "dialog": "vh-remove-dialog",
    "confirm": "vh-remove-confirm",
    "cancel": "vh-remove-cancel",
    "retention_radio": "retention-choice",
    "retention_confirm": "retention-save",
    "voice_delete_toggle": "voice-delete-switch",
    "improve_toggle": "improve-alexa-switch",
}


@dataclass(frozen=True)
class Locale:
    tag: str  # en-US
    param: str  # en_US, as in Amazon's ?language= and lc-main cookie
    domain: str  # amazon.com
    labels: dict[str, str]
    names: dict[str, str]

    def t(self, key: str, **values: Any) -> str:
        """A label, with {placeholders} filled."""
        text = self.labels[key]
        return text.format(**values) if values else text


@functools.lru_cache(maxsize=16)
def _raw(tag: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((_DIR / f"{tag}.yaml").read_text(encoding="utf-8"))
    base = data.get("extends")
    if base:
        parent = _raw(base)
        data = {
            **parent,
            **{k: v for k, v in data.items() if k not in ("labels", "drift")},
            "labels": {**parent["labels"], **data.get("labels", {})},
            "drift": {**parent.get("drift", {}), **(data.get("drift") or {})},
        }
    return data


@functools.lru_cache(maxsize=16)
def locale(tag: str, drift: bool = False) -> Locale:
    data = _raw(tag)
    labels = dict(data["labels"])
    if drift:
        labels.update(data.get("drift") or {})
    return Locale(
        tag=data["lang"],
        param=data["language_param"],
        domain=data["domain"],
        labels=labels,
        names=DRIFT_NAMES if drift else NAMES,
    )


def from_param(value: str | None) -> str | None:
    """The locale tag for ?language=de_DE (or de-DE); None when unknown."""
    if not value:
        return None
    tag = value.replace("_", "-")
    return next((t for t in LOCALES if t.lower() == tag.lower()), None)
