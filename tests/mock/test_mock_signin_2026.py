"""The sign-in pages as public sources show them in 2025-2026, each a mock option that is off
by default: the /ax/claim e-mail step, the puzzle CAPTCHA, the polling approval form, the
passkey nudge and its dead end, the "Add a mobile number" prompt, the misleading
wrong-password message, the hop through /ap/maplanding and a page nothing knows. In a real
browser, checked server-side through /__mock__/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from voicewipe.mock import DEMO_EMAIL, DEMO_PASSWORD, MockConfig

pytestmark = pytest.mark.engine

RVH = "/alexa-privacy/apd/rvh"


def _password(page: Page, base: str, password: str = DEMO_PASSWORD) -> None:
    """From a signed-out visit of rvh through the e-mail and password pages (classic)."""
    page.goto(base + RVH)
    page.fill("#ap_email", DEMO_EMAIL)
    page.click("#continue")
    page.fill("#ap_password", password)
    page.click("#signInSubmit")


def test_the_defaults_are_todays_sign_in() -> None:
    config = MockConfig()
    assert (config.signin, config.passkey_nudge, config.phone_fixup) == ("classic", False, False)
    assert (config.approval_page, config.wrong_password_message) == ("classic", "classic")
    assert (config.regional_hop, config.captcha) == (False, "never")


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("signin", "modern", "signin must be one of classic, claim, unknown"),
        ("passkey_nudge", "maybe", "passkey_nudge must be one of false, true, dead_end"),
        ("phone_fixup", 1, "phone_fixup must be one of false, true"),
        ("approval_page", "push", "approval_page must be one of classic, polling"),
        ("wrong_password_message", "sms", "wrong_password_message must be one of classic, mobile"),
        ("regional_hop", "yes", "regional_hop must be one of false, true"),
        ("captcha", "grid", "captcha must be one of never, once, always, every, puzzle"),
    ],
)
def test_a_bad_value_is_refused_by_name(option: str, value: Any, said: str) -> None:
    with pytest.raises(ValueError, match=re.escape(said)):
        MockConfig().replace(**{option: value})


def test_claim_email_step(page: Page, mock: Any) -> None:
    mock.site.configure(signin="claim")
    page.goto(mock.url + RVH)
    expect(page).to_have_url(re.compile(r"/ax/claim\?openid\.return_to=%2Falexa-privacy"))
    expect(page.locator("#ap_email_login")).to_be_visible()
    expect(page.locator("#ap_email")).to_have_count(0)
    page.fill("#ap_email_login", "nobody@example.com")
    page.click("#continue")
    expect(page.locator("#auth-error-message-box")).to_contain_text("We cannot find an account")
    expect(page).to_have_url(re.compile(r"/ax/claim$"))
    page.fill("#ap_email_login", DEMO_EMAIL)
    page.click("#continue")
    page.fill("#ap_password", DEMO_PASSWORD)
    page.click("#signInSubmit")
    expect(page).to_have_url(mock.url + RVH)
    signin = mock.state()["signin"]
    assert (signin["unknown_emails"], signin["successes"]) == (1, 1)


def test_passkey_nudge_is_skipped(page: Page, mock: Any) -> None:
    mock.site.configure(passkey_nudge=True)
    _password(page, mock.url)
    expect(page).to_have_url(re.compile(r"/claim/webauthn/nudge\?arb="))
    expect(page.locator("h1")).to_have_text("Set up a passkey")
    expect(page.locator("body")).to_contain_text("Skip the password next time")
    skip = page.locator("#passkey-nudge-skip-button")
    expect(skip).to_have_text("Skip")
    assert mock.state()["sessions"]["active"] == 0  # not signed in until it is past
    page.click("#passkey-nudge-setup-button")  # nothing happens in the mock
    expect(skip).to_be_visible()
    skip.click()
    expect(page).to_have_url(mock.url + RVH)
    state = mock.state()
    assert (state["signin"]["passkey_nudges"], state["signin"]["successes"]) == (1, 1)
    assert state["sessions"]["active"] == 1


def test_passkey_dead_end_has_no_way_on(page: Page, mock: Any) -> None:
    mock.site.configure(passkey_nudge="dead_end")
    _password(page, mock.url)
    expect(page).to_have_url(re.compile(r"/claim/webauthn/nudge\?arb="))
    expect(page.locator("#passkey-dead-end")).to_contain_text(
        "This device does not support passkeys. For security reasons, please sign in on the "
        "device where you created your passkey."
    )
    expect(page.locator("form, a[href], button, input")).to_have_count(0)
    page.reload()
    expect(page.locator("#passkey-dead-end")).to_be_visible()
    assert mock.state()["sessions"]["active"] == 0


def test_phone_fixup_not_now(page: Page, mock: Any) -> None:
    mock.site.configure(phone_fixup=True)
    _password(page, mock.url)
    expect(page.locator("h1")).to_have_text("Add a mobile number")
    link = page.locator("#ap-account-fixup-phone-skip-link")
    expect(link).to_have_text("Not now")
    link.click()
    expect(page).to_have_url(mock.url + RVH)
    assert mock.state()["signin"]["phone_fixups"] == 1


def test_puzzle_moves_on_once_solved(page: Page, mock: Any) -> None:
    mock.site.configure(captcha="puzzle")
    _password(page, mock.url)
    expect(page).to_have_url(re.compile(r"/ap/cvf/request\?arb="))
    form = page.locator("form#cvf-aamation-challenge-form")
    expect(form.locator("div#cvf-aamation-container")).to_have_attribute(
        "data-challenge-type", "WAF_ADVERSARIAL_SYNTHETIC_GRID_LEVEL_2"
    )
    expect(page.locator("span#aacb-captcha-header")).to_have_text(
        "Solve this puzzle to protect your account"
    )
    frame = page.frame_locator("iframe#cvf-aamation-challenge-iframe")
    frame.locator(".auth-puzzle-tile").first.click()
    frame.get_by_role("button", name="Confirm").click()
    expect(frame.locator("#puzzle-status")).to_have_text("Not quite. Try again.")
    page.wait_for_timeout(1200)  # it keeps waiting while nobody solves it
    assert page.url.startswith(mock.url + "/ap/cvf/request")
    assert mock.state()["signin"]["pending_puzzles"] == 1
    assert mock.control("solve", {}).json() == {"ok": True, "solved": 1}
    expect(page).to_have_url(mock.url + RVH, timeout=5000)
    assert any(c["name"] == "aws-waf-token" for c in page.context.cookies())
    signin = mock.state()["signin"]
    assert (signin["puzzles_shown"], signin["puzzles_solved"], signin["successes"]) == (1, 1, 1)
    # Solved once, it is not asked again.
    page.goto("about:blank")
    page.context.clear_cookies()
    _password(page, mock.url)
    expect(page).to_have_url(mock.url + RVH)
    assert mock.state()["signin"]["puzzles_shown"] == 1


def test_polling_approval_form(page: Page, mock: Any) -> None:
    mock.site.configure(mfa="approval", approval_page="polling")
    posted: list[str] = []  # the form's own submission (not the script's JSON polls)
    page.on(
        "request",
        lambda r: (
            posted.append(r.post_data or "")
            if r.method == "POST"
            and r.url.endswith("/ap/cvf/approval/poll")
            and r.is_navigation_request()
            else None
        ),
    )
    _password(page, mock.url)
    form = page.locator("form#pollingForm")
    expect(form).to_have_attribute("action", "/ap/cvf/approval/poll")
    expect(form).to_contain_text("Approve the notification sent to:")
    expect(page.locator("#updatedChannelDetails")).to_be_visible()
    status = page.locator("input#transactionApprovalStatus[type=hidden]")
    page.wait_for_timeout(1200)  # a round of polling or two
    expect(status).to_have_value("TransactionPending")
    assert mock.state()["sessions"]["active"] == 0
    assert mock.control("approve", {}).json() == {"ok": True, "approved": 1}
    expect(page).to_have_url(mock.url + RVH, timeout=5000)
    assert mock.state()["sessions"]["active"] == 1
    assert len(posted) == 1 and "transactionApprovalStatus=TransactionCompleted" in posted[0]


def test_polling_form_answers_the_status(mock: Any) -> None:
    """What the page's script posts: pending, then TransactionCompleted once approved, and
    the form submitted then goes on with the sign-in."""
    mock.site.configure(mfa="approval", approval_page="polling")
    client = mock.client(signed_in=False)
    client.request("POST", "/ap/signin", form={"email": DEMO_EMAIL})
    tx = next(iter(mock.site.site.auth.transactions))
    page = client.request(
        "POST", "/ap/signin", form={"appActionToken": tx, "password": DEMO_PASSWORD}
    )
    assert 'id="transactionApprovalStatus"' in page.text
    poll = {"arb": tx, "transactionApprovalStatus": "TransactionPending"}
    json_accept = {"accept": "application/json"}

    def status() -> str:
        answer = client.request("POST", "/ap/cvf/approval/poll", form=poll, headers=json_accept)
        return str(answer.json()["transactionApprovalStatus"])

    assert status() == "TransactionPending"
    assert mock.site.approve() == 1
    assert status() == "TransactionCompleted"
    done = client.request("POST", "/ap/cvf/approval/poll", form=poll)
    assert done.status == 200 and 'id="apd-hub-rvh"' in done.text  # the hub, signed in
    assert status() == "TransactionExpired"


def test_wrong_password_can_speak_of_the_mobile_number(page: Page, mock: Any) -> None:
    mock.site.configure(wrong_password_message="mobile")
    _password(page, mock.url, "not-it")
    box = page.locator("#auth-error-message-box")
    expect(box).to_contain_text("We're unable to verify your mobile number. Try signing in again.")
    expect(box).not_to_contain_text("password")
    assert mock.state()["signin"]["wrong_passwords"] == 1


def test_regional_hop_goes_through_maplanding(page: Page, mock: Any) -> None:
    mock.site.configure(regional_hop=True)
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    _password(page, mock.url)
    expect(page).to_have_url(mock.url + RVH)
    hops = [u for u in seen if "/ap/maplanding?" in u]
    assert len(hops) == 1, seen
    assert "openid.return_to=%2Falexa-privacy%2Fapd%2Frvh" in hops[0]
    assert "openid.oa2.authorization_code=" in hops[0]


def test_a_page_nothing_knows(page: Page, mock: Any) -> None:
    mock.site.configure(signin="unknown")
    _password(page, mock.url)
    expect(page).to_have_url(re.compile(r"/ap/cvf/verify\?arb="))
    expect(page.locator("h1")).to_have_text("Confirm it's you")
    assert mock.state()["sessions"]["active"] == 0
    page.click("#mock-unknown-continue")
    expect(page).to_have_url(mock.url + RVH)
    assert mock.state()["signin"]["unknown_pages"] == 1


def test_all_of_them_in_german(page: Page, mock: Any) -> None:
    """claim, puzzle, passkey nudge and phone prompt in one sign-in, in German."""
    mock.site.reset(locale="de-DE", signin="claim", passkey_nudge=True, phone_fixup=True)
    mock.site.configure(captcha="puzzle")
    page.goto(mock.url + RVH)
    page.fill("#ap_email_login", DEMO_EMAIL)
    page.click("#continue")
    page.fill("#ap_password", DEMO_PASSWORD)
    page.click("#signInSubmit")
    expect(page.locator("#aacb-captcha-header")).to_have_text(
        "Lösen Sie dieses Rätsel, um Ihr Konto zu schützen"
    )
    mock.site.solve()
    expect(page.locator("h1")).to_have_text("Passkey einrichten", timeout=5000)
    page.get_by_role("button", name="Überspringen", exact=True).click()
    expect(page.locator("h1")).to_have_text("Mobiltelefonnummer hinzufügen")
    page.get_by_role("link", name="Jetzt nicht", exact=True).click()
    expect(page).to_have_url(mock.url + RVH)
    signin = mock.state()["signin"]
    assert (signin["puzzles_solved"], signin["passkey_nudges"], signin["phone_fixups"]) == (1, 1, 1)
