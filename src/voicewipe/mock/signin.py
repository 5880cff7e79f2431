"""The sign-in pages: e-mail, password, CAPTCHA, one-time code, phone approval, lock-out.

Everything posts to /ap/signin, as on Amazon; the hidden appActionToken says which sign-in
(and so which step) a post belongs to. Forms are parsed by hand (urlencoded only) because
Starlette's form parser needs python-multipart, which this package does not depend on.
"""

from __future__ import annotations

import random
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from voicewipe.mock.auth import Transaction, safe_return_to
from voicewipe.mock.interstitials import next_page
from voicewipe.mock.web import (
    DEVICE_COOKIE,
    SESSION_COOKIE,
    form_of,
    json_error,
    render,
    site_of,
    to_signin,
)


def _page(request: Request, template: str, status: int = 200, **context: object) -> Response:
    return render(request, template, status=status, **context)


def _email_page(request: Request, status: int = 200, **context: object) -> Response:
    """The e-mail step: today's page, or (signin="claim") the /ax/claim one."""
    claim = site_of(request).config.signin == "claim"
    return _page(request, "signin_claim.html" if claim else "signin_email.html", status, **context)


async def signin_get(request: Request) -> Response:
    return_to = safe_return_to(request.query_params.get("openid.return_to"))
    if site_of(request).config.signin == "claim" and request.url.path == "/ap/signin":
        return RedirectResponse(f"/ax/claim?openid.return_to={quote(return_to, safe='')}", 302)
    return _email_page(request, return_to=return_to, email="", error=None)


async def signin_post(request: Request) -> Response:
    form = await form_of(request)
    if form is None:
        return _email_page(
            request, 400, return_to=safe_return_to(None), email="", error="error_session_lost"
        )
    site = site_of(request)
    with site.lock:
        auth = site.auth
        if auth.locked:
            return _page(request, "signin_locked.html", 200, sent=False)
        tx_id = form.get("appActionToken")
        if tx_id is None:
            return _email_step(request, form)
        tx = auth.transactions.get(tx_id)
        if tx is None:
            return _email_page(
                request, return_to=safe_return_to(None), email="", error="error_session_lost"
            )
        if tx.stage in ("password", "captcha"):
            return _password_step(request, form, tx)
        if tx.stage == "mfa":
            return _mfa_step(request, form, tx)
        if tx.stage != "done":
            return next_page(request, tx)
        return to_signin(request)


def _email_step(request: Request, form: dict[str, str]) -> Response:
    email = form.get("email", "").strip()
    return_to = safe_return_to(form.get("openid.return_to"))
    if not email:
        error = "error_email_missing"
    else:
        tx = site_of(request).auth.begin(email, return_to)
        if tx is not None:
            return _page(request, "signin_password.html", tx=tx, error=None, captcha=False)
        error = "error_unknown_email"
    return _email_page(request, return_to=return_to, email=email, error=error)


def _password_step(request: Request, form: dict[str, str], tx: Transaction) -> Response:
    auth = site_of(request).auth
    password = form.get("password", "")
    tx.remember = form.get("rememberMe") == "true"
    if tx.stage == "captcha":
        if not auth.check_captcha(tx, form.get("guess", "")):
            auth.new_captcha(tx)
            return _page(
                request, "signin_password.html", tx=tx, error="captcha_wrong", captcha=True
            )
    elif not password:
        return _page(
            request, "signin_password.html", tx=tx, error="error_password_missing", captcha=False
        )
    auth.counters.password_attempts += 1
    if not tx.captcha_passed and auth.needs_captcha():
        auth.new_captcha(tx)
        return _page(request, "signin_password.html", tx=tx, error=None, captcha=True)
    if not auth.check_password(password):
        if auth.locked:
            return _page(request, "signin_locked.html", sent=False)
        tx.stage = "password"
        tx.captcha_passed = False
        wrong = (
            "error_wrong_password_mobile"
            if auth.config.wrong_password_message == "mobile"
            else "error_wrong_password"
        )
        return _page(request, "signin_password.html", tx=tx, error=wrong, captcha=False)
    tx.device_token = request.cookies.get(DEVICE_COOKIE)
    auth.advance(tx)
    return next_page(request, tx)


def _mfa_step(request: Request, form: dict[str, str], tx: Transaction) -> Response:
    auth = site_of(request).auth
    # otpCode on the classic form, code on the cvf one (otp_page="cvf").
    if not auth.check_otp(form.get("otpCode", form.get("code", ""))):
        return _page(request, "signin_mfa.html", tx=tx, error="mfa_wrong")
    if form.get("rememberDevice") == "true":
        tx.device = auth.remember_device()
    auth.passed(tx, "mfa")
    return next_page(request, tx)


async def captcha_image(request: Request) -> Response:
    """The CAPTCHA as an SVG: wobbly letters and noise lines, readable by a person."""
    site = site_of(request)
    with site.lock:
        tx = site.auth.transactions.get(request.query_params.get("appActionToken", ""))
        answer = tx.captcha_answer if tx and tx.stage == "captcha" else ""
    if not answer:
        return Response(status_code=404)
    rng = random.Random(answer)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="70">',
        '<rect width="200" height="70" fill="#f3f3f3"/>',
    ]
    for _ in range(6):
        x1, y1, x2, y2 = (
            rng.randint(0, 200),
            rng.randint(0, 70),
            rng.randint(0, 200),
            rng.randint(0, 70),
        )
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#999"/>')
    for i, ch in enumerate(answer):
        angle = rng.randint(-25, 25)
        x, y = 18 + i * 29, 45 + rng.randint(-8, 8)
        parts.append(
            f'<text x="{x}" y="{y}" font-family="Georgia,serif" font-size="34" fill="#333" '
            f'transform="rotate({angle} {x} {y})">{ch}</text>'
        )
    parts.append("</svg>")
    return Response(
        "".join(parts), media_type="image/svg+xml", headers={"cache-control": "no-store"}
    )


async def approval_page(request: Request) -> Response:
    site = site_of(request)
    with site.lock:
        tx = site.auth.transactions.get(request.query_params.get("arb", ""))
        if tx is None or tx.stage != "approval":
            return _email_page(
                request, return_to=safe_return_to(None), email="", error="approval_expired"
            )
    polling = site.config.approval_page == "polling"
    return _page(
        request, "signin_approval_polling.html" if polling else "signin_approval.html", tx=tx
    )


async def approval_poll(request: Request) -> Response:
    """What the approval page polls: {"status": "PENDING" | "APPROVED" | "EXPIRED"}."""
    site = site_of(request)
    with site.lock:
        tx = site.auth.transactions.get(request.query_params.get("arb", ""))
        if tx is None or tx.stage != "approval":
            return JSONResponse({"status": "EXPIRED"})
        return JSONResponse({"status": "APPROVED" if tx.approved else "PENDING"})


async def approval_complete(request: Request) -> Response:
    site = site_of(request)
    with site.lock:
        tx = site.auth.transactions.get(request.query_params.get("arb", ""))
        if tx is None or tx.stage != "approval":
            return to_signin(request)
        if not tx.approved:
            return RedirectResponse(f"/ap/cvf/approval?arb={tx.id}", 303)
        site.auth.passed(tx, "approval")
        return next_page(request, tx)


async def sign_out(request: Request) -> Response:
    site = site_of(request)
    with site.lock:
        site.auth.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/ap/signin", 302)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def forgot_password(request: Request) -> Response:
    """The lock-out page's form: says it sent instructions; unlocking is /__mock__/ only."""
    if await form_of(request) is None:
        return json_error(request, 400, "Bad request")
    return _page(request, "signin_locked.html", sent=True)


ROUTES = [
    Route("/ap/signin", signin_get, methods=["GET"]),
    Route("/ap/signin", signin_post, methods=["POST"]),
    Route("/ax/claim", signin_get, methods=["GET"]),
    Route("/ax/claim", signin_post, methods=["POST"]),
    # The cvf code form's action="verify", as the page at /ap/signin or /ax/claim resolves it.
    Route("/ap/verify", signin_post, methods=["POST"]),
    Route("/ax/verify", signin_post, methods=["POST"]),
    Route("/ap/captcha-image", captcha_image, methods=["GET"]),
    Route("/ap/cvf/approval", approval_page, methods=["GET"]),
    Route("/ap/cvf/approval/poll", approval_poll, methods=["GET"]),
    Route("/ap/cvf/approval/complete", approval_complete, methods=["GET"]),
    Route("/ap/forgotpassword", forgot_password, methods=["POST"]),
    Route("/gp/flex/sign-out.html", sign_out, methods=["GET"]),
]
