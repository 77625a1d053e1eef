"""/api/v1/auth: sign-up, sign-in, refresh, sign-out, and the signed-in account."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from candor.accounts.deps import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    AccountServiceDep,
    CurrentIdentity,
    CurrentUser,
    check_csrf,
    client_info,
)
from candor.accounts.errors import (
    CSRFFailed,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    LoginThrottled,
    NotAuthenticated,
)
from candor.accounts.models import User
from candor.accounts.schemas import (
    AuthResult,
    DeleteAccountRequest,
    LoginRequest,
    RefreshRequest,
    SignupRequest,
    TokenPair,
    UserRead,
    UserUpdate,
)
from candor.core.config import Settings
from candor.core.deps import SettingsDep
from candor.core.errors import InvalidInput, responses
from candor.core.security import new_csrf_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def _result(user: User, tokens: TokenPair, mode: str, response: Response, settings: Settings) -> AuthResult:
    if mode == "token":
        return AuthResult(user=UserRead.model_validate(user), tokens=tokens)
    csrf = set_session_cookies(response, tokens, settings)
    return AuthResult(user=UserRead.model_validate(user), csrf_token=csrf)


def set_session_cookies(response: Response, tokens: TokenPair, settings: Settings) -> str:
    """Put a token pair in HTTP-only cookies, with a readable CSRF token beside them."""
    csrf = new_csrf_token(settings.signing_key)
    response.set_cookie(
        ACCESS_COOKIE,
        tokens.access_token,
        max_age=tokens.expires_in,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=settings.refresh_token_days * 86400,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=settings.refresh_token_days * 86400,
        httponly=False,
        secure=settings.cookie_secure,
        samesite="strict",
        path="/",
    )
    return csrf


def clear_session_cookies(response: Response) -> None:
    for name in (ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/")


@router.post(
    "/signup",
    response_model=AuthResult,
    status_code=status.HTTP_201_CREATED,
    responses=responses(EmailTaken, InvalidInput),
)
async def signup(
    data: SignupRequest,
    request: Request,
    response: Response,
    service: AccountServiceDep,
    settings: SettingsDep,
) -> AuthResult:
    """Create an account and sign in."""
    user, tokens = await service.signup(
        data.email, data.password, data.display_name, data.role, client_info(request)
    )
    return _result(user, tokens, data.session, response, settings)


@router.post("/login", response_model=AuthResult, responses=responses(InvalidCredentials, LoginThrottled))
async def login(
    data: LoginRequest,
    request: Request,
    response: Response,
    service: AccountServiceDep,
    settings: SettingsDep,
) -> AuthResult:
    """Sign in with email and password."""
    user, tokens = await service.login(data.email, data.password, client_info(request))
    return _result(user, tokens, data.session, response, settings)


@router.post("/refresh", response_model=AuthResult, responses=responses(InvalidRefreshToken, CSRFFailed))
async def refresh(
    data: RefreshRequest,
    request: Request,
    response: Response,
    service: AccountServiceDep,
    settings: SettingsDep,
) -> AuthResult:
    """Exchange a refresh token (body or cookie) for a new token pair; the old one stops working."""
    token, mode = data.refresh_token, "token"
    if token is None:
        check_csrf(request, settings)
        token, mode = request.cookies.get(REFRESH_COOKIE), "cookie"
    if not token:
        raise InvalidRefreshToken("Send the refresh token in the body, or sign in again.")
    user, tokens = await service.refresh(token)
    return _result(user, tokens, mode, response, settings)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=responses(NotAuthenticated))
async def logout(identity: CurrentIdentity, response: Response, service: AccountServiceDep) -> None:
    """Sign out this session: its access and refresh tokens stop working at once."""
    await service.logout(identity.session_id)
    clear_session_cookies(response)


@router.get("/me", response_model=UserRead, responses=responses(NotAuthenticated))
async def me(user: CurrentUser) -> User:
    """The signed-in account."""
    return user


@router.patch("/me", response_model=UserRead, responses=responses(NotAuthenticated, InvalidInput))
async def update_me(data: UserUpdate, user: CurrentUser, service: AccountServiceDep) -> User:
    """Change the display name."""
    return await service.update(user, data)


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(NotAuthenticated, InvalidCredentials),
)
async def delete_me(
    data: DeleteAccountRequest, user: CurrentUser, response: Response, service: AccountServiceDep
) -> None:
    """Delete the account and all of its data, confirmed with the password."""
    await service.delete_account(user, data.password)
    clear_session_cookies(response)
