"""Signing in and out from the browser: forms with CSRF tokens, cookie sessions, and the page guard."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from candor.accounts.api import clear_session_cookies, set_session_cookies
from candor.accounts.deps import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    AccountServiceDep,
    client_info,
)
from candor.accounts.errors import (
    CSRFFailed,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    LoginThrottled,
)
from candor.accounts.models import User
from candor.accounts.schemas import SignupRequest
from candor.core.config import Settings
from candor.core.deps import SessionDep, SettingsDep
from candor.core.security import csrf_token_valid, new_csrf_token
from candor.web.errors import LoginRequired, PageRoute, remember_session
from candor.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)

CsrfField = Annotated[str, Form(max_length=200)]


def check_form_csrf(request: Request, token: str, settings: Settings) -> None:
    """Double-submit check for HTML forms: the hidden field must equal the signed `candor_csrf` cookie."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    matches = bool(token) and hmac.compare_digest(token, cookie)
    if not matches or not csrf_token_valid(token, settings.signing_key):
        raise CSRFFailed("The form had expired. Reload the page and try again.")


def ensure_csrf_cookie(request: Request, settings: Settings) -> None:
    """Give a signed-out visitor a CSRF cookie, so the sign-in and sign-up forms can be checked too."""
    if csrf_token_valid(request.cookies.get(CSRF_COOKIE), settings.signing_key):
        return
    token = request.state.csrf = new_csrf_token(settings.signing_key)
    jar = Response()
    jar.set_cookie(
        CSRF_COOKIE, token, httponly=False, secure=settings.cookie_secure, samesite="strict", path="/"
    )
    request.state.cookie_jar = jar


async def page_user(
    request: Request, service: AccountServiceDep, settings: SettingsDep, session: SessionDep
) -> User:
    """The signed-in user, or a redirect to /login. An expired access token is renewed with the refresh
    cookie, and the new cookies ride on whatever page is returned."""
    remember_session(request, session)
    token = request.cookies.get(ACCESS_COOKIE)
    found = await service.authenticate(token) if token else None
    if found is not None:
        return found[0]
    refresh = request.cookies.get(REFRESH_COOKIE)
    if refresh:
        try:
            user, tokens = await service.refresh(refresh)
        except InvalidRefreshToken:
            pass
        else:
            jar = Response()
            request.state.csrf = set_session_cookies(jar, tokens, settings)
            request.state.cookie_jar = jar
            return user
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise LoginRequired(target)


PageUser = Annotated[User, Depends(page_user)]


def safe_next(value: str | None) -> str:
    """Only our own app pages are followed after sign-in, never another site."""
    if value and value.startswith("/app") and not value.startswith("//") and "\\" not in value:
        return value
    return "/app"


@router.get("/signup", response_class=HTMLResponse)
async def signup_form(request: Request, settings: SettingsDep) -> HTMLResponse:
    ensure_csrf_cookie(request, settings)
    return templates.TemplateResponse(request, "auth/signup.html", {"form": {}, "errors": []})


@router.post("/signup", response_class=HTMLResponse)
async def signup(
    request: Request,
    service: AccountServiceDep,
    settings: SettingsDep,
    csrf_token: CsrfField,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    display_name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_form_csrf(request, csrf_token, settings)
    form = {"email": email, "display_name": display_name}
    try:
        name = display_name.strip() or None
        data = SignupRequest(email=email.strip(), password=password, display_name=name, session="cookie")
    except ValidationError as exc:
        return _form_page(request, "auth/signup.html", form, _signup_errors(exc))
    try:
        _, tokens = await service.signup(
            data.email, data.password, data.display_name, data.role, client_info(request)
        )
    except EmailTaken:
        errors = ["An account with this email already exists. Log in instead, or use another email."]
        return _form_page(request, "auth/signup.html", form, errors, status=409)
    response = RedirectResponse("/app/interviews/new", status_code=303)
    set_session_cookies(response, tokens, settings)
    return response


def _signup_errors(exc: ValidationError) -> list[str]:
    errors: list[str] = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        if field == "email":
            errors.append("Enter a valid email address, like name@example.com.")
        elif field == "password":
            errors.append("Choose a password of at least 10 characters.")
        elif field == "display_name":
            errors.append("Keep the display name under 100 characters.")
    return errors or ["Check the form and try again."]


def _form_page(
    request: Request, name: str, form: dict[str, str], errors: list[str], status: int = 422
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"form": form, "errors": errors}, status_code=status)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, settings: SettingsDep, next: str | None = None) -> HTMLResponse:
    ensure_csrf_cookie(request, settings)
    return templates.TemplateResponse(
        request, "auth/login.html", {"form": {"next": safe_next(next)}, "errors": []}
    )


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    service: AccountServiceDep,
    settings: SettingsDep,
    csrf_token: CsrfField,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/app",
) -> Response:
    check_form_csrf(request, csrf_token, settings)
    form = {"email": email, "next": safe_next(next)}
    if not email.strip() or not password:
        return _form_page(request, "auth/login.html", form, ["Enter your email and your password."])
    try:
        _, tokens = await service.login(email.strip(), password, client_info(request))
    except InvalidCredentials:
        errors = ["That email and password do not match an account. Check them and try again."]
        return _form_page(request, "auth/login.html", form, errors, status=401)
    except LoginThrottled as exc:
        errors = [f"Too many failed attempts. Wait {exc.retry_after} seconds, then try again."]
        page = _form_page(request, "auth/login.html", form, errors, status=429)
        page.headers["retry-after"] = str(exc.retry_after)
        return page
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookies(response, tokens, settings)
    return response


@router.post("/logout")
async def logout(
    request: Request, service: AccountServiceDep, settings: SettingsDep, csrf_token: CsrfField
) -> Response:
    """Sign this browser out: its session stops working on the server too, not only its cookies."""
    check_form_csrf(request, csrf_token, settings)
    token = request.cookies.get(ACCESS_COOKIE)
    found = await service.authenticate(token) if token else None
    if found is not None:
        await service.logout(found[1])
    elif refresh := request.cookies.get(REFRESH_COOKIE):
        await service.logout_refresh_token(refresh)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookies(response)
    return response
