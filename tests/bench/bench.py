"""voicewipe's benchmark: against the mock Alexa site with its latency and rate limit on, the
figures side by side from one run, checked against the targets of issue 7.

    scripts/bench [--quick] [--full-100k] [--json FILE] [--work DIR]

The mock site runs in a thread of this process; voicewipe runs as its own process (the real
CLI, against the site with --site), so its memory is its own. Every scenario starts from a
fresh site (mock reset) and a saved sign-in, as a person's repeated runs would. See the
README's "Performance" section for what each figure means and the last figures measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from measure import Spans, Watched, machine, page_actions, watch

from voicewipe.mock import DEMO_EMAIL, DEMO_PASSWORD, MockConfig, MockSite

ROOT = Path(__file__).resolve().parents[2]
VOICEWIPE = [sys.executable, "-m", "voicewipe"]
LATENCY_MS = 50
RATE_LIMIT = 200.0
# Records a page: about 10, whatever a client asks for, as the real site answers today
# (shared/alexa-site.md); `--page-size 50` gives the figures measured before with 50 a page.
PAGE_SIZE = 10


@dataclass(frozen=True)
class Sizes:
    exports: tuple[int, ...]  # exports with audio (each followed by a delete checked against it)
    naive: int  # the naive export's size (one of `exports`)
    deletes: tuple[int, ...]  # deletes without an export to check (--no-export)
    listing: int  # a listing-only export (--no-audio): its speed, and memory
    wipe: int  # the wipe timed with and without screenshots
    repeats: int  # runs of each, with and without screenshots (the median is taken)
    help_runs: int


FULL = Sizes((1_000, 10_000), 1_000, (1_000, 10_000, 100_000), 100_000, 1_000, 3, 7)
QUICK = Sizes((50,), 50, (50,), 100, 20, 1, 2)


class Bench:
    def __init__(self, work: Path, sizes: Sizes, page_size: int = PAGE_SIZE) -> None:
        self.work, self.sizes, self.page_size = work, sizes, page_size
        self.spans: Spans | None = None
        self.mock = MockSite(self._config(0))
        self.spans = Spans(self.mock.app)
        self.mock.app = self.spans  # type: ignore[assignment]
        self.env = {k: v for k, v in os.environ.items() if k != "VOICEWIPE_FLOWS"}
        self.env["XDG_STATE_HOME"] = str(work / "state")  # sign-ins and logs of its own
        self.runs = 0

    def _config(self, recordings: int, **extra: Any) -> MockConfig:
        return MockConfig(
            recordings=recordings,
            latency_ms=LATENCY_MS,
            rate_limit=RATE_LIMIT,
            page_size=self.page_size,
            **extra,
        )

    def listing_pages(self, n: int) -> int:
        """The fewest requests a listing of n records takes: its full pages and one more."""
        return n // self.page_size + 1

    # --- running voicewipe ----------------------------------------------------------------
    def fresh_site(self, recordings: int) -> None:
        """A fresh site with this many recordings, and a saved sign-in for it."""
        self.mock.reset(self._config(recordings))
        signed = self.voicewipe("login", out=self.work / "login")
        if signed.code != 0:
            raise SystemExit(f"bench: the sign-in failed: {signed.err[-2000:]}")

    def voicewipe(self, *args: str, out: Path, timeout: float = 3600) -> Watched:
        self.runs += 1
        argv = [*VOICEWIPE, *args, "--site", self.mock.url, "--out", str(out), "--json"]
        return watch(argv, self.env, timeout=timeout)

    def requests(self) -> dict[str, Any]:
        return dict(self.mock.state()["requests"])

    def timed(self, *args: str, out: Path) -> tuple[Watched, dict[str, Any], dict[str, Any]]:
        """A voicewipe command, with the site's counts of what it asked for."""
        assert self.spans is not None
        before = self.requests()
        self.spans.clear()
        done = self.voicewipe(*args, out=out)
        after = self.requests()
        summary = json.loads(done.out) if done.out.strip().startswith("{") else {}
        return done, summary, _delta(before, after)

    # --- scenarios ------------------------------------------------------------------------
    def export(self, n: int, *, audio: bool = True) -> dict[str, Any]:
        self.fresh_site(n)
        out = self.work / f"export-{n}{'' if audio else '-no-audio'}"
        shutil.rmtree(out, ignore_errors=True)
        args = ("export",) if audio else ("export", "--no-audio")
        done, summary, asked = self.timed(*args, out=out)
        part = summary.get("export", {})
        voice = self.mock.state()["histories"]["voice"]
        wanted_audio = voice["with_audio"] if audio else 0
        pages = self.listing_pages(n)
        # The least the site allows: every page of the listing and every audio file is one
        # request at its rate limit (the windows side by side keep the latency out of it).
        bound = max((pages + wanted_audio) / RATE_LIMIT, LATENCY_MS / 1000)
        assert self.spans is not None
        phase = self.spans.seconds or 0.0
        files = list((Path(part["folder"]) / "audio").glob("*.wav")) if part else []
        return {
            "recordings": n,
            "audio": audio,
            "exit_code": done.code,
            "seconds": round(done.seconds, 2),
            "phase_seconds": round(phase, 2),
            "requests": asked["api"],
            "throttled_429": asked["throttled"],
            "pages": pages,
            "lower_bound_seconds": round(bound, 2),
            "ratio_to_bound": round(phase / bound, 3),
            "ratio_to_bound_whole_command": round(done.seconds / bound, 3),
            "complete": done.code == 0
            and part.get("verified") is True
            and part.get("records") == n
            and part.get("with_audio") == wanted_audio
            and len(files) == wanted_audio,
            "peak_mb": round(done.peak_mb, 1),
            "driver_peak_mb": round(done.driver_peak_mb, 1),
            "browser_peak_mb": round(done.browser_peak_mb, 1),
            "cpu_seconds": round(done.cpu_seconds, 2),
            "out": str(out),
            "error": None if done.code == 0 else done.err.strip().splitlines()[-1:],
        }

    def export_again(self, exported: dict[str, Any]) -> dict[str, Any]:
        """The same export again, nothing new on the site: one listing, no audio request."""
        n = exported["recordings"]
        done, summary, asked = self.timed("export", out=Path(exported["out"]))
        part = summary.get("export", {})
        bound = self.listing_pages(n) / RATE_LIMIT
        return {
            "recordings": n,
            "exit_code": done.code,
            "seconds": round(done.seconds, 2),
            "requests": asked["api"],
            "audio_requests": asked["audio"],
            "listing_bound_seconds": round(bound, 2),
            "new": part.get("new"),
            "complete": done.code == 0 and part.get("verified") is True and part.get("new") == 0,
            "peak_mb": round(done.peak_mb, 1),
        }

    def naive(self, n: int) -> dict[str, Any]:
        self.mock.reset(self._config(n))
        out = self.work / f"naive-{n}"
        shutil.rmtree(out, ignore_errors=True)
        before = self.requests()
        argv = [sys.executable, str(Path(__file__).with_name("naive.py"))]
        done = watch([*argv, self.mock.url, str(out), DEMO_EMAIL, DEMO_PASSWORD], self.env,
                     timeout=3600)  # fmt: skip
        asked = _delta(before, self.requests())
        got = json.loads(done.out.strip().splitlines()[-1]) if done.code == 0 else {}
        voice = self.mock.state()["histories"]["voice"]
        return {
            "recordings": n,
            "exit_code": done.code,
            "seconds": round(done.seconds, 2),
            "phase_seconds": got.get("phase_seconds"),
            "requests": asked["api"],
            "throttled_429": asked["throttled"],
            "complete": got.get("records") == n and got.get("audio") == voice["with_audio"],
            "error": None if done.code == 0 else done.err.strip().splitlines()[-1:],
        }

    def delete(self, n: int, *, export: dict[str, Any] | None) -> dict[str, Any]:
        """Delete all history: checked against the export just made, or with --no-export on
        a fresh site."""
        if export is None:
            self.fresh_site(n)
            args: tuple[str, ...] = ("delete", "--all", "--yes", "--no-export")
            out = self.work / f"delete-{n}-no-export"
        else:
            args = ("delete", "--all", "--yes")
            out = Path(export["out"])
        done, summary, asked = self.timed(*args, out=out)
        part = summary.get("delete", {})
        return {
            "recordings": n,
            "listing_bound_seconds": round(self.listing_pages(n) / RATE_LIMIT, 2),
            "export_checked": export is not None,
            "exit_code": done.code,
            "seconds": round(done.seconds, 2),
            "page_actions": page_actions(summary["run_folder"]) if summary else None,
            "requests": asked["api"],
            "throttled_429": asked["throttled"],
            "matched": part.get("matched"),
            "deleted": part.get("deleted"),
            "remaining": part.get("remaining"),
            "left_on_site": self.mock.state()["histories"]["voice"]["total"],
            "peak_mb": round(done.peak_mb, 1),
            "error": None if done.code == 0 else done.err.strip().splitlines()[-1:],
        }

    def screenshots(self, n: int) -> dict[str, Any]:
        """The same command with and without screenshots, alternating, fresh site each time:
        the wipe, and the delete alone (the flow with the most page steps)."""
        found: dict[str, Any] = {}
        for name, args in (
            ("wipe", ("wipe", "--yes")),
            ("delete", ("delete", "--all", "--yes", "--no-export")),
        ):
            times: dict[str, list[float]] = {"with": [], "without": []}
            for _ in range(self.sizes.repeats):
                for mode in ("with", "without"):
                    self.fresh_site(n)
                    out = self.work / f"shots-{name}-{mode}"
                    shutil.rmtree(out, ignore_errors=True)
                    extra = () if mode == "with" else ("--no-screenshots",)
                    done, _, _ = self.timed(*args, *extra, out=out)
                    if done.code != 0:
                        raise SystemExit(f"bench: {name} failed: {done.err[-2000:]}")
                    times[mode].append(done.seconds)
            with_, without = statistics.median(times["with"]), statistics.median(times["without"])
            found[name] = {
                "recordings": n,
                "seconds_with": round(with_, 2),
                "seconds_without": round(without, 2),
                "runs": {k: [round(t, 2) for t in v] for k, v in times.items()},
                "overhead": round(with_ / without - 1, 3),
            }
        return found

    def nightly(self, n: int) -> dict[str, Any]:
        """A wipe, then the wipe again: a valid session, and nothing to do."""
        self.fresh_site(n)
        out = self.work / "nightly"
        shutil.rmtree(out, ignore_errors=True)
        first, _, _ = self.timed("wipe", "--yes", out=out)
        again, summary, asked = self.timed("wipe", "--yes", out=out)
        return {
            "first_wipe_seconds": round(first.seconds, 2),
            "seconds": round(again.seconds, 2),
            "exit_code": again.code,
            "nothing_to_do": summary.get("nothing_to_do"),
            "requests": asked["api"],
            "peak_mb": round(again.peak_mb, 1),
        }

    def help_startup(self) -> dict[str, Any]:
        times = []
        for _ in range(self.sizes.help_runs):
            started = time.monotonic()
            subprocess.run([*VOICEWIPE, "--help"], env=self.env, capture_output=True, check=True)
            times.append(time.monotonic() - started)
        return {"seconds": round(statistics.median(times), 3), "runs": len(times)}


def _delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    def api(counts: dict[str, Any], paths: tuple[str, ...] = Spans.PATHS) -> int:
        return sum(v for k, v in counts["by_endpoint"].items() if any(p in k for p in paths))

    return {
        "api": api(after) - api(before),
        "audio": api(after, ("/rvh/audio",)) - api(before, ("/rvh/audio",)),
        "throttled": after["throttled"] - before["throttled"],
        "total": after["total"] - before["total"],
    }


def run(
    sizes: Sizes, work: Path, *, full_100k: bool, say: Any, page_size: int = PAGE_SIZE
) -> dict[str, Any]:
    bench = Bench(work, sizes, page_size)
    bench.mock.start()
    started = time.monotonic()
    result: dict[str, Any] = {
        "machine": machine(),
        "site": {"latency_ms": LATENCY_MS, "rate_limit": RATE_LIMIT, "page_size": page_size},
        "sizes": sizes.__dict__,
    }
    try:
        say("voicewipe --help")
        result["help"] = bench.help_startup()
        result["exports"], result["deletes"] = [], []
        for n in sizes.exports:
            say(f"export of {n} with audio")
            exported = bench.export(n)
            result["exports"].append(exported)
            say(f"export of {n} again, nothing new")
            result["again"] = bench.export_again(exported)
            say(f"delete of {n}, checked against that export")
            result["deletes"].append(bench.delete(n, export=exported))
        if full_100k:
            say("export of 100000 with audio (--full-100k)")
            exported = bench.export(100_000)
            result["exports"].append(exported)
            say("export of 100000 again, nothing new")
            result["again"] = bench.export_again(exported)
            say("delete of 100000, checked against that export")
            result["deletes"].append(bench.delete(100_000, export=exported))
        say(f"naive export of {sizes.naive}")
        result["naive"] = bench.naive(sizes.naive)
        for n in sizes.deletes:
            say(f"delete of {n} without an export (--no-export)")
            result["deletes"].append(bench.delete(n, export=None))
        say(f"listing-only export of {sizes.listing} (memory)")
        result["listing"] = bench.export(sizes.listing, audio=False)
        say(f"wipe and delete of {sizes.wipe}, with and without screenshots")
        result["screenshots"] = bench.screenshots(sizes.wipe)
        say("the nightly no-op")
        result["nightly"] = bench.nightly(sizes.wipe)
    finally:
        bench.mock.stop()
    result["voicewipe_runs"] = bench.runs
    result["bench_seconds"] = round(time.monotonic() - started, 1)
    result["targets"] = targets(result)
    return result


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    exports = r["exports"]
    naive_n = r["naive"]["recordings"]
    same = next(e for e in exports if e["recordings"] == naive_n)
    deletes = r["deletes"]
    shots = r["screenshots"]
    memory = [e["peak_mb"] for e in [*exports, r["listing"]]] + [d["peak_mb"] for d in deletes]
    big = max([e["recordings"] for e in exports] + [r["listing"]["recordings"]])

    def target(name: str, value: Any, limit: str, met: bool) -> dict[str, Any]:
        return {"target": name, "value": value, "limit": limit, "met": bool(met)}

    flat = {
        mode: sorted({d["page_actions"] for d in deletes if d["export_checked"] == mode})
        for mode in (True, False)
    }
    listing = r["listing"]
    listing_ratio = listing["phase_seconds"] / listing["lower_bound_seconds"]
    checked = sorted((d for d in deletes if d["export_checked"]), key=lambda d: d["recordings"])
    small, large = checked[0], checked[-1]
    # The constant part of a delete (the browser, sign-in, the page's clicks, the read-back)
    # is what the smallest one took beyond its listing; the largest may add 1.5x its listing.
    constant = small["seconds"] - small["listing_bound_seconds"]
    delete_ratio = (large["seconds"] - constant) / large["listing_bound_seconds"]
    again = r["again"]
    return [
        target(
            f"a listing of {listing['recordings']} within 1.25x of requests / rate limit",
            round(listing_ratio, 3),
            "<= 1.25",
            listing_ratio <= 1.25 and listing["complete"],
        ),
        target(
            f"the checked delete of {large['recordings']}: beyond the constant page actions "
            f"({round(constant, 1)} s), within 1.5x its listing's bound",
            round(delete_ratio, 3),
            "<= 1.5",
            delete_ratio <= 1.5 and large["left_on_site"] == 0,
        ),
        target(
            f"the export of {again['recordings']} again, nothing new: no audio request",
            {"audio_requests": again["audio_requests"], "seconds": again["seconds"]},
            "0 audio requests",
            again["audio_requests"] == 0 and again["complete"],
        ),
        target(
            "export within 1.25x of the site's lower bound (listing + audio)",
            max(e["ratio_to_bound"] for e in exports),
            "<= 1.25",
            all(e["ratio_to_bound"] <= 1.25 for e in exports),
        ),
        target(
            "every export complete, nothing lost to throttling",
            all(e["complete"] for e in [*exports, r["listing"]]),
            "true",
            all(e["complete"] for e in [*exports, r["listing"]]),
        ),
        target(
            f"faster than the naive export at N = {naive_n}",
            round(r["naive"]["seconds"] / same["seconds"], 1),
            ">= 8x",
            r["naive"]["complete"] and r["naive"]["seconds"] >= 8 * same["seconds"],
        ),
        target(
            "delete of all history: the same page actions at every N",
            {"checked": flat[True], "no-export": flat[False]},
            "one value each",
            all(len(v) <= 1 for v in flat.values()) and flat[True] == flat[False],
        ),
        target(
            "every delete left nothing on the site",
            sum(d["left_on_site"] for d in deletes),
            "0",
            all(d["left_on_site"] == 0 and d["exit_code"] == 0 for d in deletes),
        ),
        target(
            "screenshots add at most 15%",
            max(s["overhead"] for s in shots.values()),
            "<= 0.15",
            all(s["overhead"] <= 0.15 for s in shots.values()),
        ),
        target(
            "the nightly no-op",
            r["nightly"]["seconds"],
            "< 10 s",
            r["nightly"]["seconds"] < 10 and r["nightly"]["nothing_to_do"] is True,
        ),
        target("voicewipe --help", r["help"]["seconds"], "< 0.5 s", r["help"]["seconds"] < 0.5),
        target(
            f"voicewipe's peak memory (largest N: {big})",
            max(memory),
            "< 250 MB",
            max(memory) < 250,
        ),
    ]


def table(r: dict[str, Any]) -> str:
    rows = [("scenario", "N", "seconds", "detail")]
    for e in r["exports"]:
        what = "export" if e["audio"] else "export --no-audio"
        rows.append((
            what, e["recordings"], e["seconds"],
            f"listing+audio {e['phase_seconds']} s, bound {e['lower_bound_seconds']} s, "
            f"ratio {e['ratio_to_bound']} (whole command {e['ratio_to_bound_whole_command']}); "
            f"{e['requests']} requests, {e['throttled_429']} x 429; complete: {e['complete']}; "
            f"peak {e['peak_mb']} MB (driver {e['driver_peak_mb']}, browser "
            f"{e['browser_peak_mb']})",
        ))  # fmt: skip
    e, n = r["listing"], r["naive"]
    rows.append((
        "export --no-audio", e["recordings"], e["seconds"],
        f"listing {e['phase_seconds']} s, bound {e['lower_bound_seconds']} s (requests / rate), "
        f"ratio {e['ratio_to_bound']}; {e['requests']} requests, {e['throttled_429']} x 429; "
        f"complete: {e['complete']}; peak {e['peak_mb']} MB",
    ))  # fmt: skip
    a = r["again"]
    rows.append((
        "export again, nothing new", a["recordings"], a["seconds"],
        f"{a['requests']} requests, {a['audio_requests']} for audio; listing bound "
        f"{a['listing_bound_seconds']} s; peak {a['peak_mb']} MB",
    ))  # fmt: skip
    same = next(x for x in r["exports"] if x["recordings"] == n["recordings"])
    rows.append((
        "naive export", n["recordings"], n["seconds"],
        f"naive / voicewipe: {round(n['seconds'] / same['seconds'], 1)}x "
        f"(listing+audio {n['phase_seconds']} s vs {same['phase_seconds']} s); "
        f"complete: {n['complete']}",
    ))  # fmt: skip
    for d in r["deletes"]:
        how = "checked against the export" if d["export_checked"] else "--no-export"
        rows.append((
            f"delete all ({how})", d["recordings"], d["seconds"],
            f"{d['page_actions']} page actions, {d['requests']} requests, "
            f"{d['deleted']} deleted (listed, read back), listing bound "
            f"{d['listing_bound_seconds']} s, {d['left_on_site']} left; peak {d['peak_mb']} MB",
        ))  # fmt: skip
    for name, s in r["screenshots"].items():
        rows.append((
            f"{name}, screenshots on/off", s["recordings"],
            f"{s['seconds_with']} / {s['seconds_without']}",
            f"overhead {round(100 * s['overhead'], 1)}% (median of {len(s['runs']['with'])})",
        ))  # fmt: skip
    g = r["nightly"]
    rows.append(("nightly no-op wipe", 0, g["seconds"], f"nothing to do: {g['nothing_to_do']}"))
    rows.append(("voicewipe --help", "", r["help"]["seconds"], f"median of {r['help']['runs']}"))
    width = [max(len(str(row[i])) for row in rows) for i in range(3)]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(row[:3], width, strict=True)) + " | "
             + str(row[3]) for row in rows]  # fmt: skip
    lines.insert(1, "-" * min(160, len(lines[0]) + 40))
    lines.append("")
    for t in r["targets"]:
        lines.append(f"{'met ' if t['met'] else 'NOT '} {t['target']}: {t['value']} ({t['limit']})")
    m = r["machine"]
    lines.append(
        f"machine: {m['cpus']} CPUs, {m['memory_gib']} GiB, {m['os']}; site: {LATENCY_MS} ms "
        f"latency, {RATE_LIMIT:g} requests/s; benchmark took {r['bench_seconds']} s"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument(
        "--full-100k",
        action="store_true",
        help="also export 100,000 recordings with audio and delete them checked (~12 min more)",
    )
    parser.add_argument(
        "--page-size", type=int, default=PAGE_SIZE, help="records a page (default: the site's 10)"
    )
    parser.add_argument("--json", type=Path, default=Path("bench.json"), help="where to write")
    parser.add_argument("--work", type=Path, help="a folder for the runs (default: temporary)")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL

    def say(text: str) -> None:
        print(f"bench: {text}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="voicewipe-bench-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        result = run(sizes, work, full_100k=args.full_100k, say=say, page_size=args.page_size)
    result["command"] = " ".join(["scripts/bench", *sys.argv[1:]])
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
