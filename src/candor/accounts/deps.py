"""Who is calling: bearer token for API clients, HTTP-only cookie plus CSRF token for the web UI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from candor.accounts.errors import CSRFFailed, NotAuthenticated
from candor.accounts.models import User
from candor.accounts.service import AccountService, ClientInfo
from candor.core.deps import DatabaseDep, SessionDep, SettingsDep
from candor.core.security import csrf_token_valid

ACCESS_COOKIE = "candor_access"
REFRESH_COOKIE = "candor_refresh"
CSRF_COOKIE = "candor_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login.")


async def get_account_service(session: SessionDep, settings: SettingsDep, db: DatabaseDep) -> AccountService:
    return AccountService(session, settings, db)


AccountServiceDep = Annotated[AccountService, Depends(get_account_service)]


def client_info(request: Request) -> ClientInfo:
    return ClientInfo(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


@dataclass(frozen=True)
class Identity:
    user: User
    session_id: uuid.UUID
    via_cookie: bool


def check_csrf(request: Request, settings: SettingsDep) -> None:
    """Double-submit check for cookie-authenticated writes: header must equal the signed cookie."""
    header = request.headers.get(CSRF_HEADER)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not header or header != cookie or not csrf_token_valid(header, settings.signing_key):
        raise CSRFFailed("Reload the page and try again.")


async def get_identity(
    request: Request,
    service: AccountServiceDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Identity:
    token = bearer.credentials if bearer else request.cookies.get(ACCESS_COOKIE)
    if not token:
        raise NotAuthenticated("Sign in, or send an access token as 'Authorization: Bearer <token>'.")
    found = await service.authenticate(token)
    if found is None:
        raise NotAuthenticated("Your session has expired. Refresh the token or sign in again.")
    via_cookie = bearer is None
    if via_cookie and request.method not in SAFE_METHODS:
        check_csrf(request, settings)
    return Identity(found[0], found[1], via_cookie)


async def get_current_user(identity: Annotated[Identity, Depends(get_identity)]) -> User:
    return identity.user


CurrentIdentity = Annotated[Identity, Depends(get_identity)]
CurrentUser = Annotated[User, Depends(get_current_user)]
