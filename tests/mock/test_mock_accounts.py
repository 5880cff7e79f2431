"""Several accounts on one mock site (accounts=N): each signs in with its own e-mail through the
sign-in pages, sees its own history, deletes only its own records, meets only its own faults;
the control API picks the account; one account is served as before."""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from starlette.applications import Starlette

from conftest import RECORDS, RVH, Client
from voicewipe.cli import build_parser
from voicewipe.cli import mock_site as cli
from voicewipe.errors import UsageError
from voicewipe.mock import DEMO_PASSWORD, MockConfig, MockSite
from voicewipe.mock.accounts import AccountRouter

FOREVER = 10**13
EMAILS = ("demo@example.com", "demo2@example.com", "demo3@example.com")
THREE = MockConfig(recordings=60, seed=7, accounts=3, deletion_delay_s=0.2, audio_bytes=2000)


@pytest.fixture(scope="module")
def three_site() -> Iterator[MockSite]:
    with MockSite(THREE) as site:
        yield site


@pytest.fixture
def three(three_site: MockSite) -> MockSite:
    three_site.reset(THREE)
    return three_site


def _sign_in(url: str, email: str) -> Client:
    """Through the forms as a browser posts them: the e-mail, then the password page's form
    (its hidden e-mail left out here, so that the account cookie alone carries it on)."""
    client = Client(url)
    page = client.request("POST", "/ap/signin", form={"email": email})
    token = re.search(r'name="appActionToken" value="([^"]+)"', page.text)
    assert token, page.text
    client.request(
        "POST", "/ap/signin", form={"appActionToken": token.group(1), "password": DEMO_PASSWORD}
    )
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.request("GET", RVH).text)
    assert meta, f"{email} is not signed in"
    client.csrf = meta.group(1)
    return client


def _keys(client: Client) -> list[str]:
    keys, token = [], None
    while True:
        body = client.records(0, FOREVER, token).json()
        keys += [r["recordKey"] for r in body["customerHistoryRecords"]]
        token = body["encodedRequestToken"]
        if not token:
            return keys


def _cookie(client: Client, name: str) -> str | None:
    return next((c.value for c in client.jar if c.name == name), None)


def test_the_option_its_emails_and_its_bounds() -> None:
    assert MockConfig().account_emails == ("demo@example.com",)
    assert THREE.account_emails == EMAILS
    own = MockConfig(email="sam@home.test", accounts=3)
    assert own.account_emails == ("sam@home.test", "sam+2@home.test", "sam+3@home.test")
    bad = [
        ({"accounts": 0}, "accounts must be between 1 and 50"),
        ({"accounts": 51}, "accounts must be between 1 and 50"),
        ({"accounts": "x"}, "accounts must be an integer; accounts must be a number"),
        ({"accounts": 2.5}, "accounts must be an integer"),
    ]
    for changes, message in bad:
        with pytest.raises(ValueError) as error:
            MockConfig().replace(**changes)
        assert str(error.value) == message
    with pytest.raises(ValueError) as error:
        MockSite(THREE).configure(accounts=2)
    assert str(error.value) == "accounts change(s) the data: use reset instead"


def test_each_account_signs_in_and_sees_its_own_records(three: MockSite) -> None:
    clients = [_sign_in(three.url, email) for email in EMAILS]
    keys = [_keys(client) for client in clients]
    for k, (client, email) in enumerate(zip(clients, EMAILS, strict=True)):
        assert _cookie(client, "mock-account") == str(k + 1)
        state = three.state(account=email)
        assert state["account"]["email"] == email
        assert state["config"]["seed"] == 7 + k  # its own data, seeded seed + k - 1
        assert (state["signin"]["successes"], state["sessions"]["active"]) == (1, 1)
        assert len(keys[k]) == state["recordings"] == len(set(keys[k]))
    assert not set(keys[0]) & set(keys[1]) and not set(keys[1]) & set(keys[2])
    # A session is its account's only: account 1's cookie means nothing to account 2.
    clients[1].jar.set_cookie(next(c for c in clients[0].jar if c.name == "at-main"))
    assert clients[1].records(0, FOREVER).status == 401


def test_a_deletion_in_one_account_leaves_the_others_untouched(three: MockSite) -> None:
    before = {email: three.state(account=email)["recordings"] for email in EMAILS}
    two, three_ = _sign_in(three.url, EMAILS[1]), _sign_in(three.url, EMAILS[2])
    doomed = _keys(two)[:3]
    answer = two.api("POST", RECORDS + "/delete?pageType=VOICE_HISTORY", {"recordKeys": doomed})
    assert answer.json() == {"deleted": 3, "status": "COMPLETED"}
    # Account 3 keeps nothing (its own setting): a bulk deletion in account 3 only.
    saved = three_.api("POST", "/alexa-privacy/apd/myad/retention", {"retention": "DONT_SAVE"})
    assert saved.status == 200, saved.text
    time.sleep(0.3)
    after = {email: three.state(account=email) for email in EMAILS}
    assert after[EMAILS[0]]["recordings"] == before[EMAILS[0]]
    assert after[EMAILS[1]]["recordings"] == before[EMAILS[1]] - 3
    assert after[EMAILS[2]]["recordings"] == 0
    assert [after[e]["settings"]["retention"] for e in EMAILS] == [
        "UNTIL_DELETED",
        "UNTIL_DELETED",
        "DONT_SAVE",
    ]
    assert sorted(three.keys(account=EMAILS[1])["deleted"]) == sorted(doomed)
    assert three.keys(account=EMAILS[0])["deleted"] == []


def test_a_captcha_for_account_2_does_not_touch_accounts_1_and_3(
    three: MockSite, browser: Browser
) -> None:
    """The issue's case: accounts side by side in one browser, a context each; account 2
    meets a CAPTCHA (and stops there), the others finish."""
    three.configure(account=EMAILS[1], captcha="always")
    contexts = [browser.new_context() for _ in EMAILS]
    try:
        for context, email in zip(contexts, EMAILS, strict=True):
            page = context.new_page()
            page.goto(three.url + RVH)
            page.fill("#ap_email", email)
            page.click("#continue")
            page.fill("#ap_password", DEMO_PASSWORD)
            page.click("#signInSubmit")
            if email == EMAILS[1]:
                expect(page.locator("img#auth-captcha-image")).to_be_visible()
            else:
                expect(page).to_have_url(three.url + RVH)
                expect(page.locator("#apd-records-list .apd-content-box").first).to_be_visible()
    finally:
        for context in contexts:
            context.close()
    signins = [three.state(account=email)["signin"] for email in EMAILS]
    assert [s["captcha_shown"] for s in signins] == [0, 1, 0]
    assert [s["successes"] for s in signins] == [1, 0, 1]
    assert [three.state(account=e)["config"]["captcha"] for e in EMAILS] == [
        "never",
        "always",
        "never",
    ]


def test_the_claim_page_finds_the_account_too(three: MockSite, page: Page) -> None:
    three.reset(THREE, signin="claim")
    page.goto(three.url + RVH)
    page.fill("#ap_email_login", EMAILS[2])
    page.click("#continue")
    page.fill("#ap_password", DEMO_PASSWORD)
    page.click("#signInSubmit")
    expect(page).to_have_url(three.url + RVH)
    cookie = next(c for c in page.context.cookies() if c["name"] == "mock-account")
    assert cookie["value"] == "3"
    assert [three.state(account=e)["signin"]["successes"] for e in EMAILS] == [0, 0, 1]


def test_an_unknown_email_goes_to_account_1(three: MockSite) -> None:
    client = Client(three.url)
    page = client.request("POST", "/ap/signin", form={"email": "nobody@example.com"})
    assert "We cannot find an account with that email address" in page.text
    assert _cookie(client, "mock-account") == "1"
    assert [three.state(account=e)["signin"]["unknown_emails"] for e in EMAILS] == [1, 0, 0]


def test_the_control_api_takes_the_account(three: MockSite) -> None:
    client = Client(three.url)
    state = client.request("GET", "/__mock__/state?account=demo3%40example.com").json()
    assert state["account"]["email"] == EMAILS[2]
    assert (state["accounts"], state["config"]["accounts"]) == (list(EMAILS), 3)
    assert client.request("GET", "/__mock__/state").json()["account"]["email"] == EMAILS[0]
    assert (
        client.request("GET", "/__mock__/config?account=demo2@example.com").json()["email"]
        == (EMAILS[1])
    )
    body = {"account": EMAILS[2], "mfa": "totp", "expire_sessions": True}
    answer = client.request("POST", "/__mock__/configure", json_body=body)
    assert answer.json() == {"ok": True, "expired_sessions": 0}
    assert [three.state(account=e)["config"]["mfa"] for e in EMAILS] == ["none", "none", "totp"]
    arrived = client.request("POST", "/__mock__/arrive?account=demo2@example.com", json_body={})
    assert arrived.json()["keys"][0] in three.keys(account=EMAILS[1])["present"]
    unknown = client.request("GET", "/__mock__/state?account=nobody@example.com")
    assert unknown.status == 400
    assert unknown.json() == {
        "message": "no account 'nobody@example.com' (the accounts: "
        "demo@example.com, demo2@example.com, demo3@example.com)"
    }
    wrong = client.request("POST", "/__mock__/configure", json_body={"account": 2})
    assert wrong.json() == {"message": "account must be an account's e-mail address"}
    # Reset resets every account: fresh data (here fewer recordings) and the faults gone.
    assert client.request("POST", "/__mock__/reset", json_body={"recordings": 12}).json() == {
        "ok": True
    }
    assert [three.state(account=e)["recordings"] for e in EMAILS] == [12, 12, 12]
    assert three.state(account=EMAILS[2])["config"]["mfa"] == "none"
    refused = client.request("POST", "/__mock__/reset", json_body={"account": EMAILS[1]})
    assert refused.json() == {"message": "reset resets every account: it takes no account"}
    assert client.request("GET", "/__mock__/reset").status == 405
    assert client.request("POST", "/__mock__/state").status == 405


def test_reset_changes_the_number_of_accounts(three: MockSite) -> None:
    first = three.site
    three.reset(accounts=2)
    assert len(three.sites) == 2 and three.sites[0] is first is three.site
    assert three.state()["accounts"] == list(EMAILS[:2])
    with pytest.raises(ValueError, match=r"^no account 'demo3@example\.com'"):
        three.account_site(EMAILS[2])
    three.reset(THREE)
    _sign_in(three.url, EMAILS[2])
    assert three.account_site(EMAILS[2]).state()["signin"]["successes"] == 1


def test_one_account_is_served_as_before() -> None:
    with MockSite(MockConfig(recordings=10)) as one:
        assert isinstance(one.app, Starlette) and one.router is None
        assert one.sites == [one.site] and one.site.config is one.config
        assert "accounts" not in one.state()
        client = _sign_in(one.url, EMAILS[0])
        assert _cookie(client, "mock-account") is None
        with pytest.raises(ValueError, match="a site started with one account keeps one"):
            one.reset(accounts=2)
    assert isinstance(MockSite(THREE).app, AccountRouter)


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["mock-site", *argv])


def test_mock_site_accounts_flag_prints_every_account(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.config_of(_args("--accounts", "3")).accounts == 3
    for value in ("0", "51"):
        with pytest.raises(UsageError) as error:
            cli.options(_args("--accounts", value))
        assert str(error.value) == "--accounts must be between 1 and 50"
    monkeypatch.setattr(MockSite, "serve_forever", MockSite.stop)
    assert cli.run(_args("--accounts", "3", "--recordings", "5")) == 0
    out = capsys.readouterr().out
    emails = re.findall(r"^ {2}email: +(\S+)$", out, re.MULTILINE)
    assert emails == list(EMAILS)
    assert f"  password:    {DEMO_PASSWORD}" in out


def test_accounts_is_a_mock_option_of_the_other_commands() -> None:
    from voicewipe.cli.alexa import mock_options

    extra: dict[str, Any] = mock_options(["accounts=2"])
    assert MockConfig().replace(**extra).account_emails == EMAILS[:2]
