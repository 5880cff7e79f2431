"""Export folders made directly on disk, as voicewipe writes them (the history files' lines per
src/voicewipe/schemas/export-line.schema.json, a manifest, audio files): for the viewer's
tests and its benchmark, which need 100,000 records without listing them from the mock site.

    folder = make_export(tmp_path / "demo@example.com", 2000, audio=3)
"""

from __future__ import annotations

import hashlib
import json
import random
import wave
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEVICES = [
    "Kitchen Echo Dot",
    "Bedroom Echo",
    "Sam's Alexa app",
    "Fire TV Stick",
    "Office Echo Studio",
]
SPEAKERS = ["Sam", "Jamie", None]
SAID = [
    ("what's the weather", "Right now in Seattle, it's 58 degrees with cloudy skies."),
    ("play the news", "Here's your Flash Briefing."),
    ("set a timer for ten minutes", "Ten minutes, starting now."),
    ("add milk to my shopping list", "I've added milk to your shopping list."),
    ("turn off the kitchen lights", "Okay."),
    ("tell me a joke", "Why did the scarecrow win an award? He was outstanding in his field."),
    ("stop", "No response"),
    ("wie spät ist es", "Es ist 9 Uhr."),
]
START_MS = 1_640_995_200_000  # 2022-01-01T00:00:00Z
SPAN_MS = 4 * 365 * 86_400_000
LISTED_AT = "2026-12-02T07:50:00Z"
AUDIO_SECONDS = 0.75


@dataclass(frozen=True)
class Special:
    """A record of the test's own, put among the generated ones."""

    transcript: str
    reply: str = ""
    device: str = "Kitchen Echo Dot"
    speaker: str | None = "Sam"
    history: str = "voice"
    timestamp_ms: int = START_MS + 1000


def iso(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def line(
    history: str,
    ms: int,
    said: str,
    reply: str,
    device: str,
    speaker: str | None,
    audio: str | None,
) -> dict[str, Any]:
    serial = hashlib.sha1(f"{history}{device}{ms}{said}".encode()).hexdigest()[:16].upper()
    key = f"A2VW1PEDEMO7Q3#{ms}#A7WXQPH584YP#{serial}"
    return {
        "record_key": key,
        "timestamp_ms": ms,
        "timestamp": iso(ms),
        "device": device,
        "device_id": None,
        "profile": speaker,
        "speakers": [speaker] if speaker else [],
        "transcript": said,
        "replacement_text": None,
        "response": reply or None,
        "kind": "GENERAL",
        "record_type": "VOICE_HISTORY",
        "domain": None,
        "intent": None,
        "utterance_id": f"A7WXQPH584YP:1.0/{ms}",
        "raw": {"recordKey": key},
        "audio": audio,
        "has_audio": audio is not None,
    }


def write_wav(path: Path, seconds: float = AUDIO_SECONDS, rate: int = 16000) -> None:
    """A real WAV (a quiet tone) of `seconds`, that a browser plays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = int(seconds * rate)
    tone = bytes((128 + (20 if (i // 20) % 2 else -20)) for i in range(frames))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(tone)


def records(n: int, *, seed: int = 7, audio: int = 0, named: bool = False) -> list[dict[str, Any]]:
    """`n` voice records, oldest first; the first `audio` of them have an audio file name
    (`named`: nine in ten, as long as voicewipe names them, whose files need not exist)."""
    rng = random.Random(seed)
    times = sorted(START_MS + rng.randrange(SPAN_MS) for _ in range(n))
    found = []
    for number, ms in enumerate(times):
        said, reply = rng.choice(SAID)
        name = f"rec-{number:06d}.wav" if number < audio else None
        if named and name is None and number % 10:
            name = f"A7WXQPH584YP_1.0_{iso(ms)[:19]}__TNIH_2V.{rng.getrandbits(128):032x}LPM.wav"
        found.append(
            line("voice", ms, said, reply, rng.choice(DEVICES), rng.choice(SPEAKERS), name)
        )
    return found


def make_export(
    root: Path,
    n: int,
    *,
    audio: int = 0,
    specials: tuple[Special, ...] = (),
    seed: int = 7,
    named: bool = False,
) -> Path:
    """An account folder at `root` with `n` generated voice records (the first `audio` with a
    real WAV), the `specials` added, and a manifest vouching for every history file."""
    root.mkdir(parents=True, exist_ok=True)
    by_history: dict[str, list[dict[str, Any]]] = {
        "voice": records(n, seed=seed, audio=audio, named=named)
    }
    for special in specials:
        by_history.setdefault(special.history, []).append(
            line(
                special.history,
                special.timestamp_ms,
                special.transcript,
                special.reply,
                special.device,
                special.speaker,
                None,
            )
        )
    histories = {}
    for name, found in by_history.items():
        found.sort(key=lambda r: r["timestamp_ms"])
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in found).encode()
        (root / f"{name}-history.jsonl").write_bytes(text)
        histories[name] = _section(name, found, text)
    for record in by_history["voice"][:audio]:
        if record["audio"]:
            write_wav(root / "audio" / record["audio"])
    manifest = {
        "voicewipe": "0.1.0",
        "marketplace": "amazon.com",
        "account": root.name,
        "site": "http://127.0.0.1:1",
        "created": LISTED_AT,
        "updated": LISTED_AT,
        "histories": histories,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return root


def _section(name: str, found: list[dict[str, Any]], text: bytes) -> dict[str, Any]:
    return {
        "file": f"{name}-history.jsonl",
        "sha256": hashlib.sha256(text).hexdigest(),
        "records": len(found),
        "with_audio": sum(1 for r in found if r["audio"]),
        "audio_pending": 0,
        "audio_wanted": True,
        "audio_files": {},
        "ranges": [
            {
                "start_ms": 0,
                "end_ms": START_MS + SPAN_MS,
                "start": iso(0),
                "end": iso(START_MS + SPAN_MS),
                "reported": len(found),
                "written": len(found),
                "listed_at": LISTED_AT,
            }
        ],
    }


def write_deletions(root: Path, lines: list[dict[str, Any] | str]) -> Path:
    """deletions.jsonl as the delete writes it (a str: a line as given, e.g. a damaged one)."""
    path = root / "deletions.jsonl"
    text = "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
    path.write_text(text, encoding="utf-8")
    return path
