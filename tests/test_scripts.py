"""The README's main-job wrapper works on this checkout: set-up, then the CLI."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wrapper_sets_up_and_runs_the_cli() -> None:
    # scripts/voicewipe runs scripts/setup without --test, a path CI does not take otherwise.
    done = subprocess.run(
        [str(ROOT / "scripts" / "voicewipe"), "--version"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "voicewipe 0.1.0\n"), done.stderr
