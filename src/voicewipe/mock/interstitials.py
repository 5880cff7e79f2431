"""The pages a sign-in passes after the right password, and its end: the puzzle CAPTCHA (AWS
WAF "aamation"), the one-time code, the phone approval (today's page or the polling form),
a page nothing knows (signin="unknown"), the passkey nudge (or its dead end), the "Add a
mobile number" prompt, and the hop through /ap/maplanding (regional_hop).

Each page carries the sign-in in `arb` (as the approval page does); auth.Auth.advance says
which page comes next, and next_page() answers it.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from voicewipe.mock.auth import Session, Transaction, safe_return_to
from voicewipe.mock.web import DEVICE_COOKIE, SESSION_COOKIE, form_of, render, site_of, to_signin

WAF_COOKIE = "aws-waf-token"
PUZZLE_ROUNDS = 2  # data-challenge-type WAF_ADVERSARIAL_SYNTHETIC_GRID_LEVEL_<rounds>
# Where each stage's page is (the mfa page is rendered in place, as before).
_PAGES = {
    "puzzle": "/ap/cvf/request",
    "approval": "/ap/cvf/approval",
    "unknown": "/ap/cvf/verify",
    "passkey": "/ax/claim/webauthn/nudge",
    "phone": "/ap/accountfixup",
}


def next_page(request: Request, tx: Transaction) -> Response:
    """The page of the sign-in's stage: the code form, a redirect to the stage's page, or the
    end of the sign-in."""
    if tx.stage == "mfa":
        return render(request, "signin_mfa.html", tx=tx, error=None)
    page = _PAGES.get(tx.stage)
    if page is not None:
        return RedirectResponse(f"{page}?arb={tx.id}", 303)
    return signed_in(request, tx)


def signed_in(request: Request, tx: Transaction) -> Response:
    site = site_of(request)
    session: Session = site.auth.finish(tx)
    where = tx.return_to
    if site.config.regional_hop:
        # Invented: one host stands for several; the landing page's name is the real one's.
        code = secrets.token_urlsafe(12)
        where = (
            f"/ap/maplanding?openid.return_to={quote(where, safe='')}"
            f"&openid.oa2.authorization_code={code}"
        )
    response = RedirectResponse(where, 303)
    # "Keep me signed in" makes the cookie outlive the browser; the server-side expiry
    # (session_ttl_s) applies either way.
    max_age = int(site.config.session_ttl_s) if session.remember else None
    response.set_cookie(
        SESSION_COOKIE, session.token, max_age=max_age, httponly=True, samesite="lax"
    )
    if tx.device:
        response.set_cookie(DEVICE_COOKIE, tx.device, max_age=180 * 86400, httponly=True)
    return response


def _tx(request: Request, stage: str, arb: str | None = None) -> Transaction | None:
    tx = site_of(request).auth.transactions.get(arb or request.query_params.get("arb", ""))
    return tx if tx is not None and tx.stage == stage else None


async def maplanding(request: Request) -> Response:
    return RedirectResponse(safe_return_to(request.query_params.get("openid.return_to")), 302)


# --- the puzzle ----------------------------------------------------------------------------
async def puzzle_page(request: Request) -> Response:
    site = site_of(request)
    with site.lock:
        tx = _tx(request, "puzzle")
        if tx is None:
            return to_signin(request)
        if tx.puzzle_solved:
            return _past_puzzle(request, tx)
    return render(request, "signin_puzzle.html", tx=tx, rounds=PUZZLE_ROUNDS)


async def puzzle_poll(request: Request) -> Response:
    site = site_of(request)
    with site.lock:
        tx = _tx(request, "puzzle")
        return JSONResponse({"solved": bool(tx and tx.puzzle_solved), "expired": tx is None})


async def puzzle_frame(request: Request) -> Response:
    return render(request, "signin_puzzle_frame.html", rounds=PUZZLE_ROUNDS)


async def puzzle_submit(request: Request) -> Response:
    form = await form_of(request) or {}
    site = site_of(request)
    with site.lock:
        tx = _tx(request, "puzzle", form.get("arb"))
        if tx is None:
            return to_signin(request)
        if not tx.puzzle_solved:
            return RedirectResponse(f"/ap/cvf/request?arb={tx.id}", 303)
        return _past_puzzle(request, tx)


def _past_puzzle(request: Request, tx: Transaction) -> Response:
    site_of(request).auth.passed(tx, "puzzle")
    response = next_page(request, tx)
    response.set_cookie(WAF_COOKIE, secrets.token_urlsafe(24), httponly=True, samesite="lax")
    return response


# --- a page nothing knows, the passkey nudge, the phone prompt -------------------------------
async def stage_page(request: Request) -> Response:
    """GET of the unknown page, the passkey nudge and the phone prompt."""
    stage = next(s for s, path in _PAGES.items() if path == request.url.path)
    site = site_of(request)
    with site.lock:
        tx = _tx(request, stage)
        if tx is None:
            return to_signin(request)
        if stage == "passkey" and site.config.passkey_nudge is False:  # switched off since
            site.auth.passed(tx, stage)
            return next_page(request, tx)
        dead_end = stage == "passkey" and site.config.passkey_nudge == "dead_end"
    template = {"unknown": "signin_unknown.html", "phone": "signin_phone.html"}.get(
        stage, "signin_passkey.html"
    )
    return render(request, template, tx=tx, dead_end=dead_end)


async def stage_done(request: Request) -> Response:
    """The way on from those pages: the unknown page's and the nudge's forms, the phone
    prompt's "Not now" link."""
    form = await form_of(request) or {} if request.method == "POST" else {}
    stage = next(s for s, path in _PAGES.items() if request.url.path.startswith(path))
    site = site_of(request)
    with site.lock:
        tx = _tx(request, stage, form.get("arb"))
        dead_end = stage == "passkey" and site.config.passkey_nudge == "dead_end"
        if tx is None or dead_end:
            return to_signin(request)
        site.auth.passed(tx, stage)
        return next_page(request, tx)


# --- the phone approval's polling form ------------------------------------------------------
async def approval_poll_post(request: Request) -> Response:
    """form#pollingForm: the page's script posts it for JSON until the approval arrives, then
    submits it, which goes on with the sign-in."""
    form = await form_of(request) or {}
    site = site_of(request)
    with site.lock:
        tx = _tx(request, "approval", form.get("arb"))
        status = (
            "TransactionExpired"
            if tx is None
            else "TransactionCompleted"
            if tx.approved
            else "TransactionPending"
        )
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"transactionApprovalStatus": status})
        if tx is None:
            return to_signin(request)
        if not tx.approved:
            return RedirectResponse(f"/ap/cvf/approval?arb={tx.id}", 303)
        site.auth.passed(tx, "approval")
        return next_page(request, tx)


ROUTES = [
    Route("/ap/maplanding", maplanding, methods=["GET"]),
    Route("/ap/cvf/request", puzzle_page, methods=["GET"]),
    Route("/ap/cvf/request", puzzle_submit, methods=["POST"]),
    Route("/ap/cvf/request/poll", puzzle_poll, methods=["GET"]),
    Route("/ap/cvf/aamation", puzzle_frame, methods=["GET"]),
    Route("/ap/cvf/approval/poll", approval_poll_post, methods=["POST"]),
    *(Route(_PAGES[s], stage_page, methods=["GET"]) for s in ("unknown", "passkey", "phone")),
    Route(_PAGES["unknown"], stage_done, methods=["POST"]),
    Route(_PAGES["passkey"], stage_done, methods=["POST"]),
    Route(_PAGES["phone"] + "/skip", stage_done, methods=["GET"]),
]
