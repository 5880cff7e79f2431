"""The server path (README, "Outgrowing one machine"): the Containerfile and the Kubernetes
manifests in deploy/ agree with each other and with voicewipe. Read as data, with no cluster
and no network: every YAML document loads, the CronJob's arguments are a command line
voicewipe's own parser takes, its secrets are the variables voicewipe reads, and the volume is
where the image keeps its state."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from voicewipe.cli import COMMANDS, build_parser
from voicewipe.credentials import SESSION_KEY_VARIABLE
from voicewipe.flow.inputs import secret_variable

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def containerfile() -> list[tuple[str, str]]:
    """The Containerfile's instructions, (KEYWORD, rest) with continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in (ROOT / "Containerfile").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, rest = whole.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "the Containerfile ends in a continued line"
    return instructions


def _all(keyword: str) -> list[str]:
    return [rest for word, rest in containerfile() if word == keyword]


def _one(keyword: str) -> str:
    (found,) = _all(keyword)
    return found


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for rest in _all("ENV"):
        for word in shlex.split(rest):
            name, sep, value = word.partition("=")
            assert sep, f"ENV {rest}: write NAME=VALUE"
            env[name] = value
    return env


def documents() -> dict[str, list[dict[str, Any]]]:
    """Every YAML document under deploy/, by file."""
    found = {}
    for path in sorted(DEPLOY.rglob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        found[path.relative_to(DEPLOY).as_posix()] = docs
    return found


def _kind(kind: str) -> list[dict[str, Any]]:
    return [d for docs in documents().values() for d in docs if d["kind"] == kind]


def _cronjob() -> dict[str, Any]:
    (cronjob,) = _kind("CronJob")
    return cronjob


def _pod() -> dict[str, Any]:
    pod: dict[str, Any] = _cronjob()["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return pod


def _container() -> dict[str, Any]:
    (container,) = _pod()["containers"]
    return container


def _under(path: str, folder: str) -> bool:
    return PurePosixPath(path).is_relative_to(PurePosixPath(folder))


# --- the Containerfile ------------------------------------------------------------------------
def test_the_image_is_debian_with_chromium_and_no_keyring():
    assert _one("FROM") == "debian:bookworm-slim"
    (install,) = [r for r in _all("RUN") if "apt-get install" in r]
    packages = set(install.split("apt-get install", 1)[1].split("&&", 1)[0].split())
    # libatomic1: Playwright's Node.js needs it and -slim lacks it (found building the image)
    assert packages >= {"python3", "python3-venv", "chromium", "fonts-ipafont-gothic", "libatomic1"}
    # The secrets come from VOICEWIPE_SECRET_* variables: no Secret Service in the image.
    assert not packages & {"gnome-keyring", "dbus", "dbus-x11"}
    assert "rm -rf /var/lib/apt/lists/*" in install


def test_the_image_installs_voicewipe_into_its_own_environment_from_the_source():
    copied = {shlex.split(rest)[0] for rest in _all("COPY")} | {
        word for rest in _all("COPY") for word in shlex.split(rest)[:-1]
    }
    # what tests/test_packaging.py builds the wheel from, and nothing of the checkout's else
    assert copied == {"pyproject.toml", "README.md", "src", "flows"}
    for name in copied:
        assert (ROOT / name).exists(), name
    (install,) = [r for r in _all("RUN") if "pip install" in r]
    assert "python3 -m venv /opt/voicewipe" in install
    assert " -e " not in install and "--editable" not in install
    env = image_env()
    assert env["PATH"].split(":")[0] == "/opt/voicewipe/bin"
    assert env["VOICEWIPE_BROWSER"] == "/usr/bin/chromium"


def test_the_image_runs_voicewipe_as_a_user_with_its_state_on_the_volume():
    user = _one("USER")
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0, user
    (adding,) = [r for r in _all("RUN") if "useradd" in r]
    assert f"--uid {uid}" in adding
    assert json.loads(_one("VOLUME")) == ["/data"]
    env = image_env()
    for name in ("HOME", "XDG_STATE_HOME"):
        assert _under(env[name], "/data"), name
    assert _one("WORKDIR") == "/data"  # the default --out, ./recordings, is on the volume too
    assert json.loads(_one("ENTRYPOINT")) == ["voicewipe"]
    assert json.loads(_one("CMD"))[0] in COMMANDS


# --- the manifests ----------------------------------------------------------------------------
def test_every_document_in_deploy_loads_and_says_what_it_is():
    docs = documents()
    assert set(docs) == {"kubernetes/cronjob.yaml", "kubernetes/secret.example.yaml"}
    kinds = {}
    for name, found in docs.items():
        assert found, name
        for doc in found:
            assert set(doc) >= {"apiVersion", "kind", "metadata"}, name
            assert doc["metadata"]["name"].startswith("voicewipe-"), name
            kinds[doc["kind"]] = doc["apiVersion"]
    assert kinds == {"CronJob": "batch/v1", "PersistentVolumeClaim": "v1", "Secret": "v1"}


def test_the_cronjob_runs_one_wipe_at_a_time_and_never_retries_it():
    spec = _cronjob()["spec"]
    assert len(spec["schedule"].split()) == 5
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["jobTemplate"]["spec"]["backoffLimit"] == 0
    assert _pod()["restartPolicy"] == "Never"


def test_the_cronjobs_arguments_are_a_wipe_that_voicewipes_parser_takes():
    container = _container()
    assert container["command"] == json.loads(_one("ENTRYPOINT"))
    assert container["image"].split(":")[0].rsplit("/", 1)[-1] == "voicewipe"
    args = build_parser().parse_args(container["args"])
    assert (args.command, args.yes, args.json, args.mock, args.site) == (
        "wipe", True, True, False, None,
    )  # fmt: skip
    assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", args.account)
    assert _under(str(args.out), "/data")


def test_the_password_and_the_key_come_from_the_secret_as_voicewipe_reads_them():
    env = {e["name"]: e for e in _container()["env"]}
    assert set(env) == {secret_variable(n) for n in ("password", "totp_secret", "session_key")}
    assert set(env) == {
        "VOICEWIPE_SECRET_PASSWORD",
        "VOICEWIPE_SECRET_TOTP_SECRET",
        SESSION_KEY_VARIABLE,
    }
    (secret,) = _kind("Secret")
    for variable in env.values():
        assert "value" not in variable, variable["name"]  # never a secret in the manifest
        ref = variable["valueFrom"]["secretKeyRef"]
        assert ref["name"] == secret["metadata"]["name"]
        assert ref["key"] in secret["stringData"]


def test_the_volume_is_where_the_image_keeps_its_state_and_the_root_is_read_only():
    pod, container = _pod(), _container()
    security = pod["securityContext"]
    uid = int(_one("USER").split(":")[0])
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] == uid and security["fsGroup"] == uid
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False

    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert set(mounts.values()) == set(volumes)
    (claim,) = _kind("PersistentVolumeClaim")
    data = volumes[mounts["/data"]]
    assert data["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    assert json.loads(_one("VOLUME")) == ["/data"]
    env = image_env()
    assert not {e["name"] for e in container["env"]} & set(env)  # the image's, unchanged
    for name in ("HOME", "XDG_STATE_HOME"):
        assert _under(env[name], "/data"), name
    # Chromium's profile and the caches need a writable /tmp beside the read-only root.
    assert "emptyDir" in volumes[mounts["/tmp"]]
    assert _under(env["XDG_CACHE_HOME"], "/tmp")
    assert set(mounts) == {"/data", "/tmp"}
    limits = container["resources"]
    assert limits["requests"]["memory"] and limits["limits"]["memory"]


def test_the_readme_tells_how_to_outgrow_one_machine():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("### Unattended, at night") < text.index("### Outgrowing one machine")
    section = text.split("### Outgrowing one machine", 1)[1].split("\n## ", 1)[0]
    for said in ("podman build -t voicewipe -f Containerfile .", "deploy/kubernetes/cronjob.yaml",
                 "VOICEWIPE_SECRET_PASSWORD", "voicewipe login --headed"):  # fmt: skip
        assert said in section, said
