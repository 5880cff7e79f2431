"""The accounts file and `voicewipe accounts add|list|remove`: what a household's file holds,
how it is written (whole, 0600, with its schema), and that every mistake a person can make in
it is one line naming the file, line and column."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import jsonschema
import pytest
import yaml

from clirun import run_cli
from voicewipe.alexa import accounts
from voicewipe.alexa.accounts import Account, AccountsFile, Schedule, unit_slug
from voicewipe.errors import FlowError

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
CHECKED_IN = ROOT / "src" / "voicewipe" / "schemas" / "accounts.schema.json"


@pytest.fixture
def file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "accounts.yaml"
    monkeypatch.setenv("VOICEWIPE_ACCOUNTS", str(path))
    return path


def _add(*args: str) -> str:
    done = run_cli("accounts", "add", *args)
    assert done.code == 0, done.err
    return done.out


def test_add_list_and_remove_through_the_cli(file):
    out = _add("mum@example.com", "--every", "daily", "--at", "2:15", "--keep", "18-months")
    assert out.splitlines() == [
        f"added mum@example.com on amazon.com in {file}",
        "credentials: none stored for mum@example.com yet; "
        "run `voicewipe credentials set --account mum@example.com`",
    ]
    _add("kid@example.com", "--what", "voice,sounds")
    listed = run_cli("accounts", "list")
    assert listed.code == 0, listed.err
    lines = listed.out.splitlines()
    assert lines[0].split() == ["EMAIL", "MARKETPLACE", "WHAT", "KEEP", "SCHEDULE", "NOTIFY"]
    assert lines[1].split() == ["mum@example.com", "amazon.com", "all", "18-months", "daily",
                                "02:15", "-"]  # fmt: skip
    assert lines[2].split() == ["kid@example.com", "amazon.com", "voice,sounds", "3-months", "-",
                                "-"]  # fmt: skip
    assert lines[3] == f"file: {file}"
    gone = run_cli("accounts", "remove", "mum@example.com")
    assert gone.code == 0, gone.err
    assert f"removed mum@example.com on amazon.com from {file}" in gone.out
    assert "voicewipe-wipe-mum-example-com-amazon-com-" in gone.out  # its timer, to remove
    assert [a.email for a in accounts.load().accounts] == ["kid@example.com"]
    again = run_cli("accounts", "remove", "mum@example.com")
    assert again.code == 2
    assert again.err.strip() == (f"voicewipe: accounts remove: mum@example.com is not in {file}")


def test_list_says_where_an_empty_file_would_be(file):
    done = run_cli("accounts", "list")
    assert done.code == 0
    assert done.out.strip() == f"no accounts in {file}; add one with: voicewipe accounts add EMAIL"
    assert accounts.load() == AccountsFile()


def test_adding_again_replaces_the_account_in_its_place(file):
    _add("a@example.com")
    _add("b@example.com")
    out = _add("A@Example.com", "--keep", "dont-save")  # Amazon takes the address in any case
    assert out.startswith(f"replaced A@Example.com on amazon.com in {file}")
    found = accounts.load().accounts
    assert [(a.email, a.keep) for a in found] == [("A@Example.com", "dont-save"),
                                                   ("b@example.com", "3-months")]  # fmt: skip


def test_the_same_address_on_two_marketplaces_is_two_accounts(file):
    _add("a@example.com")
    _add("a@example.com", "--marketplace", "amazon.de", "--every", "weekly")
    loaded = accounts.load()
    assert [a.marketplace for a in loaded.accounts] == ["amazon.com", "amazon.de"]
    assert loaded.find("a@example.com", "amazon.de").schedule == Schedule(every="weekly")
    assert unit_slug("a@example.com", "amazon.com") != unit_slug("a@example.com", "amazon.de")
    done = run_cli("accounts", "remove", "a@example.com", "--marketplace", "amazon.de")
    assert done.code == 0, done.err
    assert [a.marketplace for a in accounts.load().accounts] == ["amazon.com"]


def test_the_file_is_the_owners_only_and_says_what_it_is(file):
    _add("a@example.com", "--notify", "https://hc-ping.com/secret-uuid")
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    text = file.read_text()
    assert text.startswith(f"# yaml-language-server: $schema={CHECKED_IN}\n")
    assert "Passwords are never here" in text
    assert yaml.safe_load(text)["accounts"][0] == {
        "email": "a@example.com", "marketplace": "amazon.com", "what": "all",
        "keep": "3-months", "notify": ["https://hc-ping.com/secret-uuid"],
    }  # fmt: skip


def test_list_shows_notify_urls_as_scheme_and_host_only(file):
    _add("a@example.com", "--notify", "https://hc-ping.com/secret-uuid",
         "--notify", "json://user:pw@hooks.example/path?token=t0ken")  # fmt: skip
    for args in (("list",), ("list", "--json")):
        done = run_cli("accounts", *args)
        assert done.code == 0, done.err
        for secret in ("secret-uuid", "pw", "t0ken", "/path"):
            assert secret not in done.out
    data = json.loads(run_cli("accounts", "list", "--json").out)
    assert data["file"] == str(file)
    assert data["accounts"] == [{
        "email": "a@example.com", "marketplace": "amazon.com", "what": ["all"],
        "keep": "3-months", "schedule": None,
        "notify": ["https://hc-ping.com", "json://hooks.example"],
    }]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-an-address"], "accounts add: EMAIL: not an e-mail address"),
        (["a@example.com", "--marketplace", "amazon.fr"], "--marketplace: unknown marketplace"),
        (["a@example.com", "--what", "voice,radio"], "--what: 'radio' is not one of voice"),
        (["a@example.com", "--keep", "until-deleted"], "--keep: 'until-deleted' is not one of"),
        (["a@example.com", "--every", "daily", "--at", "25:00"],
         "accounts add: --at: not a time like 03:30"),
        (["a@example.com", "--at", "04:00"], "accounts add: --at needs --every daily or weekly"),
        (["a@example.com", "--notify", "nope"], "accounts add: --notify: "),
    ],
)  # fmt: skip
def test_a_bad_account_is_one_line_and_nothing_is_written(file, args, message):
    done = run_cli("accounts", "add", *args)
    assert done.code == 2
    assert len(done.err.strip().splitlines()) == 1 and message in done.err
    assert not file.exists()


_GOOD = "accounts:\n- email: a@example.com\n  schedule:\n    every: daily\n"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("accounts: [a@example.com\n", "2:1", "invalid YAML"),
        ("accounts:\n- email: a@example.com\n  kep: 3-months\n", "3:3",
         "accounts[0].kep: unknown key 'kep'; the keys here are email, marketplace, what, keep"),
        (_GOOD.replace("daily", "hourly"), "4:12",
         "accounts[0].schedule.every: Input should be 'daily' or 'weekly'"),
        (_GOOD + "- email: A@example.com\n  marketplace: amazon.com\n", "5:3",
         "accounts[1]: A@example.com on amazon.com is given twice (first as account 1); "
         "keep one of them"),
        ("accounts:\n- email: a.example.com\n", "2:10", "accounts[0].email: not an e-mail"),
        ("- a@example.com\n", "1:1", "it needs `accounts:`"),
    ],
)  # fmt: skip
def test_a_damaged_file_is_one_located_line(file, text, where, message):
    file.parent.mkdir(parents=True)
    file.write_text(text)
    with pytest.raises(FlowError) as raised:
        accounts.load()
    assert f"{file}:{where}: {message}" in str(raised.value)
    done = run_cli("accounts", "list")
    assert done.code == 2
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"voicewipe: {file}:{where}: {message}")
    assert lines[0].endswith("; mend the file by hand (`voicewipe accounts list` reads it again)")
    added = run_cli("accounts", "add", "b@example.com")  # nor is it written over
    assert added.code == 2 and file.read_text() == text


def test_a_hand_written_time_need_not_be_quoted(file):
    file.parent.mkdir(parents=True)
    file.write_text(_GOOD + "    at: 12:30\n")  # YAML 1.1 reads 12:30 as the number 750
    assert accounts.load().accounts[0].schedule == Schedule(every="daily", at="12:30")


def test_a_file_of_comments_only_holds_no_accounts(file):
    file.parent.mkdir(parents=True)
    file.write_text("# nothing yet\n\n")
    assert accounts.load() == AccountsFile()


def test_the_model_adds_finds_and_removes():
    a = Account(email="a@example.com")
    b = Account(email="a@example.com", marketplace="amazon.co.uk", what=("voice",))
    file = AccountsFile().add(a).add(b)
    assert file.find("A@EXAMPLE.COM", "amazon.co.uk") == b
    assert file.find("a@example.com", "amazon.de") is None
    assert file.remove("a@example.com", "amazon.com").accounts == (b,)
    assert file.remove("a@example.com").accounts == ()
    assert a.every_history and not b.every_history


def test_unit_slugs_are_readable_valid_and_distinct():
    slug = unit_slug("Mum.Smith+alexa@Example.com", "amazon.co.uk")
    assert slug.startswith("mum-smith-alexa-example-com-amazon-co-uk-")
    assert slug == unit_slug("mum.smith+alexa@example.com", "amazon.co.uk")  # one account
    # Two addresses that read alike still get names of their own.
    assert unit_slug("a.b@example.com", "amazon.com") != unit_slug("a-b@example.com", "amazon.com")
    assert all(c.isalnum() or c == "-" for c in slug) and len(slug) < 80


def test_the_checked_in_schema_is_the_models():
    committed = json.loads(CHECKED_IN.read_text(encoding="utf-8"))
    assert committed == accounts.schema(), (
        "run: python -c 'import json; from voicewipe.alexa.accounts import schema, SCHEMA; "
        'SCHEMA.write_text(json.dumps(schema(), indent=2) + "\\n")\''
    )


def test_a_file_the_cli_wrote_validates_against_the_schema(file):
    _add("a@example.com", "--every", "weekly", "--at", "23:59", "--notify", "ntfy://t")
    _add("a@example.com", "--marketplace", "amazon.de", "--what", "voice,smart-home")
    schema = json.loads(CHECKED_IN.read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(file.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"accounts": [{"email": "a@example.com", "kep": "x"}]}, schema)
