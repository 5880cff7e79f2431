"""voicewipe installed as a user installs it: the wheel (`pip install .` and `pipx install .`
build the same one) into a fresh virtual environment, then run from a folder outside the
checkout, with no PYTHONPATH and no keyring (as in the container, Containerfile): the full wipe
against the mock site, whose pages, flows and schemas must all come from the wheel.

The dependencies come from the package index (pip's cache makes a second install quick); the
browser is the one the rest of the suite uses (VOICEWIPE_BROWSER: Playwright's own Chromium
cannot be downloaded everywhere, Debian's `chromium` package can)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from voicewipe.browser import find_browser
from wheels import build_wheel

ROOT = Path(__file__).resolve().parents[1]
# The mock site's demo account (src/voicewipe/mock): what a default --mock run exports.
MOCK_COUNTS = {"voice": 300, "sounds": 30, "smart-home": 60}
MOCK_WITH_AUDIO = 278


def _run(args: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 300) -> Any:
    return subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (tests/test_packaging.py checks what is in it)."""
    return build_wheel(tmp_path_factory.mktemp("checkout"), tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory, playwright: Any) -> dict[str, Any]:
    """A folder outside the checkout and the environment a user's shell would give there:
    no PYTHONPATH, a home of its own, no keyring (no D-Bus session, keyring's fail backend)."""
    where = tmp_path_factory.mktemp("elsewhere")
    assert not where.resolve().is_relative_to(ROOT)
    browser = find_browser(bundled=playwright.chromium.executable_path).executable
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(where / "home"),
        "XDG_STATE_HOME": str(where / "state"),
        "TMPDIR": str(where),
        "LANG": "C.UTF-8",
        "PYTHONPATH": "",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "VOICEWIPE_BROWSER": str(browser),
    }
    # pip's own settings (an index, a cache) stay: they are the machine's, not the checkout's.
    env |= {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
    if "PIP_CACHE_DIR" not in env:  # the user's cache, though HOME is another
        env["PIP_CACHE_DIR"] = str(Path.home() / ".cache" / "pip")
    return {"where": where, "env": env}


@dataclass(frozen=True)
class Venv:
    root: Path
    env: dict[str, str]
    where: Path
    seconds: float  # how long `pip install` of the wheel took

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def site_packages(self) -> Path:
        where = {"base": str(self.root), "platbase": str(self.root)}
        return Path(sysconfig.get_path("purelib", vars=where))

    def run(self, *args: str, timeout: float = 300) -> Any:
        return _run(list(args), env=self.env, cwd=self.where, timeout=timeout)


@pytest.fixture(scope="module")
def venv(wheel: Path, outside: dict[str, Any]) -> Venv:
    import time

    where, env = outside["where"], outside["env"]
    root = where / "venv"
    made = _run([sys.executable, "-m", "venv", str(root)], env=env, cwd=where)
    assert made.returncode == 0, made.stderr
    assert "include-system-site-packages = false" in (root / "pyvenv.cfg").read_text()
    began = time.monotonic()
    installed = _run(
        [str(root / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
        env=env, cwd=where, timeout=600,
    )  # fmt: skip
    seconds = time.monotonic() - began
    assert installed.returncode == 0, installed.stderr[-3000:]
    env = env | {"PATH": f"{root / 'bin'}:{env['PATH']}", "VIRTUAL_ENV": str(root)}
    return Venv(root, env, where, seconds)


@pytest.mark.e2e
def test_the_installed_voicewipe_is_the_environments_own(venv):
    print(f"pip install of the wheel: {venv.seconds:.1f} s")
    found = venv.run("python", "-c", "import voicewipe; print(voicewipe.__file__)")
    assert found.returncode == 0, found.stderr
    module = Path(found.stdout.strip()).resolve()
    assert module == (venv.site_packages / "voicewipe" / "__init__.py").resolve()
    assert not module.is_relative_to(ROOT)
    assert shutil.which("voicewipe", path=venv.env["PATH"]) == str(venv.bin / "voicewipe")
    version = venv.run("voicewipe", "--version")
    assert (version.returncode, version.stdout.strip()) == (0, "voicewipe 0.1.0"), version.stderr


@pytest.mark.e2e
def test_the_installed_flows_validate_and_the_schema_is_the_shipped_one(venv):
    flows = venv.site_packages / "voicewipe" / "flows" / "alexa"
    assert not flows.is_symlink() and flows.is_dir()  # a copy in the wheel, not the checkout's
    checked = venv.run("voicewipe", "validate", str(flows))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{flows}: ok (7 flows keep what the commands need)" in checked.stdout
    schema = venv.run("voicewipe", "schema")
    assert schema.returncode == 0, schema.stderr
    shipped = venv.site_packages / "voicewipe" / "flows" / "flow.schema.json"
    assert json.loads(schema.stdout) == json.loads(shipped.read_text(encoding="utf-8"))


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines())


@pytest.mark.e2e
def test_the_installed_voicewipe_wipes_the_mock_account(venv):
    out = venv.where / "out"
    done = venv.run("voicewipe", "wipe", "--mock", "--yes", "--json", "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert (summary["outcome"], summary["exit_code"], summary["mock"]) == ("ok", 0, True)

    # The export on disk, not the summary's word for it.
    folder = Path(summary["export_folder"])
    assert folder.is_relative_to(out) and folder.name == "demo@example.com"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["histories"]) == set(MOCK_COUNTS)
    for history, count in MOCK_COUNTS.items():
        kept = manifest["histories"][history]
        lines = folder / f"{history}-history.jsonl"
        assert kept["file"] == lines.name
        assert _lines(lines) == kept["records"] == count, history
        assert hashlib.sha256(lines.read_bytes()).hexdigest() == kept["sha256"], history
        said = summary["histories"][history]
        assert said["export"] | {"records": count, "verified": True} == said["export"]
        gone = {"matched": count, "deleted": count, "remaining": 0}
        assert said["delete"] | gone == said["delete"], history
    audio = [p for p in (folder / "audio").rglob("*") if p.is_file()]
    voice = manifest["histories"]["voice"]
    assert len(audio) == voice["with_audio"] == len(voice["audio_files"]) == MOCK_WITH_AUDIO
    assert summary["histories"]["alexa-plus"]["skipped"]
    assert _lines(folder / "deletions.jsonl") == sum(MOCK_COUNTS.values())
    assert summary["auto_delete"]["retention"] == "3-months"

    run = Path(summary["run_folder"])
    assert run.is_relative_to(out) and (run / "run.json").is_file()
    assert (run / "report.html").is_file()


@pytest.fixture(scope="module")
def pipx(outside: dict[str, Any]) -> Path:
    """pipx itself, from the package index, in an environment of its own."""
    where, env = outside["where"], outside["env"]
    root = where / "pipx-venv"
    made = _run([sys.executable, "-m", "venv", str(root)], env=env, cwd=where)
    assert made.returncode == 0, made.stderr
    got = _run(
        [str(root / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "pipx"],
        env=env, cwd=where, timeout=600,
    )  # fmt: skip
    if got.returncode != 0:
        pytest.skip(f"pipx could not be installed from the package index: {got.stderr[-500:]}")
    return root / "bin" / "pipx"


@pytest.mark.reliability  # scripts/test installs with pip; pipx's own venv, the long tier
def test_pipx_installs_the_wheel(pipx, wheel, outside):
    where = outside["where"]
    env = outside["env"] | {
        "PIPX_HOME": str(where / "pipx-home"),
        "PIPX_BIN_DIR": str(where / "pipx-bin"),
        "PIPX_MAN_DIR": str(where / "pipx-man"),
    }
    installed = _run([str(pipx), "install", str(wheel)], env=env, cwd=where, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    command = where / "pipx-bin" / "voicewipe"
    assert command.is_file()
    version = _run([str(command), "--version"], env=env, cwd=where)
    assert (version.returncode, version.stdout.strip()) == (0, "voicewipe 0.1.0"), version.stderr
    found = _run(
        [str(where / "pipx-home" / "venvs" / "voicewipe" / "bin" / "python"), "-c",
         "import voicewipe; print(voicewipe.__file__)"],
        env=env, cwd=where,
    )  # fmt: skip
    assert Path(found.stdout.strip()).resolve().is_relative_to(where / "pipx-home"), found.stderr
