"""The wheel holds what an installed voicewipe needs besides its code: every shipped flow and
the JSON Schema they name (`# yaml-language-server: $schema=../flow.schema.json`), the export's
schemas, the mock site's templates, static files and words, and the report's template. Built
for real (`pip wheel`) from a copy of the checkout, so that the build leaves nothing in it."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

import pytest

from wheels import build_wheel

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "voicewipe"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of a wheel built from this checkout: {path in the wheel: content}."""
    found = build_wheel(tmp_path_factory.mktemp("checkout"), tmp_path_factory.mktemp("dist"))
    with zipfile.ZipFile(found) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def _in_wheel(wheel: dict[str, bytes], source: Path) -> None:
    """`source` (under src/voicewipe, through the flows link too) is in the wheel, unchanged."""
    name = "voicewipe/" + source.relative_to(PACKAGE).as_posix()
    assert name in wheel, f"{name} is not in the wheel"
    assert wheel[name] == source.read_bytes(), f"{name} in the wheel is not the checkout's"


def test_the_wheel_holds_the_flow_schema_and_the_export_schemas(wheel):
    for name in ("flows/flow.schema.json", "schemas/export-line.schema.json",
                 "schemas/manifest.schema.json"):  # fmt: skip
        _in_wheel(wheel, PACKAGE / name)


def test_the_wheel_holds_every_shipped_flow_and_the_schema_they_name(wheel):
    flows = sorted((PACKAGE / "flows").rglob("*.yaml"))
    assert {f.name for f in flows} >= {"sign-in.yaml", "records.yaml", "marketplaces.yaml",
                                       "en-US.yaml", "sample.yaml"}  # fmt: skip
    naming = 0
    for flow in flows:
        _in_wheel(wheel, flow)
        first = flow.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# yaml-language-server: $schema="):  # a flow (not a data file)
            naming += 1
            named = (flow.parent / first.split("$schema=", 1)[1]).resolve()
            assert named == (ROOT / "flows" / "flow.schema.json").resolve(), flow
            # ... and in the wheel, where the schema it names is beside its folder too
            inside = "voicewipe/" + flow.relative_to(PACKAGE).parent.as_posix()
            in_wheel = posixpath.normpath(f"{inside}/{first.split('$schema=', 1)[1]}")
            assert in_wheel in wheel, f"{flow.name} names {in_wheel}, which the wheel lacks"
    assert naming >= 8


def test_the_wheel_holds_the_mock_site_and_the_report_and_viewer_templates(wheel):
    folders = ["mock/templates", "mock/static", "mock/locales", "reporting/templates",
               "viewer/templates"]  # fmt: skip
    for folder in folders:
        files = [p for p in (PACKAGE / folder).iterdir() if p.is_file()]
        assert files, folder
        for path in files:
            _in_wheel(wheel, path)
    assert "voicewipe/py.typed" in wheel
