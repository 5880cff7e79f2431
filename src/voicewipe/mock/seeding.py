"""Seeded history records: the same seed, counts and "now" give the same records.

Times spread over the last three years, denser lately, with a few today and yesterday; the
texts come from the corpus in the site's language.
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from datetime import datetime, timedelta

from voicewipe.mock import corpus
from voicewipe.mock.config import DEMO_CUSTOMER_ID, MockConfig
from voicewipe.mock.records import RECORD_TYPES, VOICE, Device, Record

# utteranceType and its share of voice records; "GENERAL" (an ordinary request) is invented:
# sources only name the special ones.
_UTTERANCE_TYPES = (
    ("GENERAL", 0.80),
    ("WAKE_WORD_ONLY", 0.07),
    ("DEVICE_ARBITRATION", 0.05),
    ("ASR_TIMEOUT", 0.04),
    ("NO_EXPRESSED_INTENT", 0.04),
)
_YEARS_MS = 3 * 365 * 24 * 3600 * 1000
_DAY_MS = 24 * 3600 * 1000


def now_ms(config: MockConfig) -> int:
    """The site's "now": the configured one, or the real clock."""
    moment = config.now or datetime.now().astimezone()
    return int(moment.timestamp() * 1000)


def seeded_devices(config: MockConfig, lang: str) -> list[Device]:
    """The account's devices, named in `lang`."""
    rng = random.Random(f"devices-{config.seed}")
    return [
        Device(
            name=name,
            entity_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            device_type=device_type,
            serial=prefix + "".join(rng.choice("0123456789ABCDEF") for _ in range(10)),
        )
        for name, device_type, prefix in corpus.DEVICES[lang]
    ]


def _timestamps(rng: random.Random, count: int, now: int, config: MockConfig) -> list[int]:
    """`count` distinct times over the last three years, denser lately, with a few today and
    yesterday (by the server's local clock) so that the default "Today" view is never empty."""
    moment = config.now or datetime.now().astimezone()
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    today_start = int(midnight.timestamp() * 1000)
    yesterday_start = int((midnight - timedelta(days=1)).timestamp() * 1000)
    few = min(count, max(3, count // 100)) if count >= 10 else 0
    windows = [
        (today_start, now, few),
        (yesterday_start, today_start - 1, few),
        (now - 30 * _DAY_MS, now, count * 15 // 100),
    ]
    windows.append((now - _YEARS_MS, now, count - sum(n for _, _, n in windows)))
    seen: set[int] = set()
    for lo, hi, n in windows:
        for _ in range(max(0, n)):
            t = rng.randint(lo, max(lo, hi))
            while t in seen:
                t -= 1
            seen.add(t)
    return sorted(seen)


def voice_records(
    config: MockConfig,
    lang: str,
    now: int,
    devices: list[Device],
    *,
    times: list[int] | None = None,
    seed: str | None = None,
) -> list[Record]:
    """The voice history: `config.recordings` records, or (for recordings that arrive later)
    one at each of `times`, drawn from `seed`."""
    rng = random.Random(seed or f"voice-{config.seed}")
    utterances = corpus.UTTERANCES[lang]
    replacements = corpus.REPLACEMENTS[lang]
    types = [t for t, _ in _UTTERANCE_TYPES]
    cumulative = list(itertools.accumulate(w for _, w in _UTTERANCE_TYPES))
    out = []
    for ts in _timestamps(rng, config.recordings, now, config) if times is None else times:
        device = rng.choice(devices)
        u = rng.choice(utterances)
        utype = rng.choices(types, cum_weights=cumulative)[0]
        text = replacements.get(utype, u.transcript)
        general = utype == "GENERAL"
        out.append(
            Record(
                key=f"{DEMO_CUSTOMER_ID}#{ts}#{device.device_type}#{device.serial}",
                timestamp=ts,
                kind=VOICE,
                device=device,
                profile=rng.choice(corpus.PROFILES) if general else None,
                utterance_type=utype,
                text=text,
                response=u.response if general else "",
                domain=u.domain if general else None,
                intent=u.intent if general else None,
                skill=u.skill if general else None,
                uid=_utterance_id(rng, ts, device),
                has_audio=rng.random() >= config.no_audio_fraction,
            )
        )
    return out


def simple_records(
    config: MockConfig, kind: str, count: int, texts: list[str], now: int, devices: list[Device]
) -> list[Record]:
    """A history without audio (detected sounds, smart home events): `count` of `texts`."""
    rng = random.Random(f"{kind}-{config.seed}")
    out = []
    for ts in _timestamps(rng, count, now, config):
        device = rng.choice(devices)
        out.append(
            Record(
                key=f"{DEMO_CUSTOMER_ID}#{ts}#{device.device_type}#{device.serial}",
                timestamp=ts,
                kind=kind,
                device=device,
                profile=None,
                utterance_type=RECORD_TYPES[kind],
                text=rng.choice(texts),
                response="",
                domain=None,
                intent=None,
                skill=None,
                uid=_utterance_id(rng, ts, device),
                has_audio=False,
            )
        )
    return out


def _utterance_id(rng: random.Random, ts: int, device: Device) -> str:
    # The shape of Alexa's utterance ids: type, UTC date path, serial, time, a UUID-like tail.
    # It contains "/" and ":" on purpose: clients must URL-encode it. Formatted by hand
    # because datetime and uuid cost a second at 100,000 records.
    t = time.gmtime(ts // 1000)
    h = f"{rng.getrandbits(128):032x}"
    return (
        f"{device.device_type}:1.0/{t.tm_year}/{t.tm_mon:02d}/{t.tm_mday:02d}/{t.tm_hour:02d}/"
        f"{device.serial}/{t.tm_min:02d}:{t.tm_sec:02d}::TNIH_2V."
        f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}LPM"
    )


# What the Alexa+ history (plus.py) is seeded with too.
timestamps, utterance_id = _timestamps, _utterance_id
