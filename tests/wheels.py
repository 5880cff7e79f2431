"""A wheel built for real (`pip wheel`) from a copy of the checkout, so that the build leaves
nothing in it: what tests/test_packaging.py looks into and tests/test_install.py installs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_wheel(copy: Path, dist: Path) -> Path:
    """Copy the checkout into `copy`, build its wheel into `dist`; the wheel's path."""
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    # src/voicewipe/flows is a relative symlink to ../../flows: copied as a link, it points at
    # the copy's flows/, as in the checkout.
    shutil.copytree(ROOT / "src", copy / "src", symlinks=True, ignore=junk)
    shutil.copytree(ROOT / "flows", copy / "flows", ignore=junk)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, copy / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
         "-q", "-w", str(dist), str(copy)],
        capture_output=True, text=True, timeout=600, check=False, cwd=dist,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (found,) = dist.glob("voicewipe-*.whl")
    return found
