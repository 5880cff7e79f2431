"""The sidecar beside a capture, and the scrub rules' file: the sidecar names the capture and
its SHA-256, counts kinds and never holds a value, and is what its schema says; scrub.yaml is
checked by `voicewipe validate`, a mended one with the place of its mistake."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from exchanges import EMAIL, PASSWORD, TOTP, capture, page, record, records

from clirun import run_cli
from voicewipe.alexa.sitefiles import PACKAGED
from voicewipe.capture import har
from voicewipe.capture.rules import load_rules
from voicewipe.capture.scrub import scrub
from voicewipe.capture.sidecar import sidecar_path, write_sidecar
from voicewipe.errors import FlowError

pytestmark = pytest.mark.unit
SCHEMA = Path(__file__).resolve().parents[2] / "src/voicewipe/schemas/capture-sidecar.schema.json"


def test_the_sidecar_names_the_capture_and_counts_kinds_only(tmp_path: Path) -> None:
    out, sidecar = scrub(
        capture(
            page('<meta name="csrf-token" content="gPqR7sT2uV9wX4yZ1aB6cD3eF8gH5iJ0kL">'),
            records(record()),
        ),
        load_rules(PACKAGED),
        account=EMAIL,
        secrets=[PASSWORD, TOTP],
    )
    path = tmp_path / "a" / "b.har"
    path.parent.mkdir()
    har.write(path, out)
    written = write_sidecar(path, sidecar)
    assert written == sidecar_path(path) == tmp_path / "a" / "b.sidecar.json"
    data = json.loads(written.read_text())
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(data)
    assert data["capture"] == {
        "file": "b.har",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "bytes": path.stat().st_size,
    }
    assert data["rules"]["file"] == "scrub.yaml" and data["rules"]["as_shipped"] is True
    assert (
        data["rules"]["sha256"]
        == hashlib.sha256((PACKAGED / "scrub.yaml").read_bytes()).hexdigest()
    )
    assert data["replaced"]["record-key"] == {"values": 1, "occurrences": 1}
    assert data["replaced"]["email"]["values"] == 1
    assert (data["exchanges"], data["sources"], data["secrets_checked"]) == (2, {"page": 2}, 2)
    text = written.read_text()
    for value in (EMAIL, PASSWORD, TOTP, "gPqR7sT2uV9wX4yZ1aB6cD3eF8gH5iJ0kL", "A1B2C3D4E5F6G7"):
        assert value not in text


def test_a_sidecar_with_a_value_in_it_is_not_what_the_schema_says(tmp_path: Path) -> None:
    out, sidecar = scrub(capture(records(record())), load_rules(PACKAGED), account=EMAIL)
    har.write(tmp_path / "c.har", out)
    data = json.loads(write_sidecar(tmp_path / "c.har", sidecar).read_text())
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    validator.validate(data)
    data["replaced"][EMAIL] = {"values": 1, "occurrences": 1}
    assert not validator.is_valid(data)


def test_the_rules_carry_what_replay_reads() -> None:
    rules = load_rules(PACKAGED)
    assert rules.replay.times == ("startTime", "endTime")
    assert "anti-csrftoken-a2z" in rules.replay.ignore


def _mended(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "alexa"
    shutil.copytree(PACKAGED, root)
    file = root / "scrub.yaml"
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))
    return root


def test_a_mended_scrub_yaml_with_a_wrong_kind_says_where(tmp_path: Path) -> None:
    root = _mended(tmp_path, "recordKey: record-key", "recordKey: record-kee")
    with pytest.raises(FlowError) as caught:
        load_rules(root)
    line = next(
        n
        for n, t in enumerate((root / "scrub.yaml").read_text().splitlines(), 1)
        if "record-kee" in t
    )
    assert f"scrub.yaml:{line}:" in str(caught.value) and "\n" not in str(caught.value)
    result = run_cli("validate", str(root))
    assert result.code == 2 and f"scrub.yaml:{line}:" in result.err
    assert "scrub.yaml: ok" not in result.out


def test_a_bad_selector_and_a_kept_cookie_are_refused(tmp_path: Path) -> None:
    root = _mended(tmp_path, "select: 'meta[name=\"csrf-token\"]'", "select: 'meta[name='")
    with pytest.raises(FlowError, match="not a CSS selector"):
        load_rules(root)
    root = _mended(tmp_path / "2", "    - content-type\n", "    - content-type\n    - cookie\n")
    with pytest.raises(FlowError, match="cookie is never kept"):
        load_rules(root)


def test_validate_checks_scrub_yaml_and_not_as_a_flow() -> None:
    result = run_cli("validate", str(PACKAGED))
    assert result.code == 0, result.err
    assert f"{PACKAGED / 'scrub.yaml'}: ok (" in result.out or "scrub.yaml: ok (" in result.out
    single = run_cli("validate", str(PACKAGED / "scrub.yaml"))
    assert single.code == 0 and "JSON fields" in single.out
