"""Sign-up, sign-in, token rotation, sign-out and account deletion."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio.to_thread
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from candor.accounts import repository as repo
from candor.accounts.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    LoginThrottled,
)
from candor.accounts.models import AuthSession, RefreshToken, Role, User
from candor.accounts.schemas import TokenPair, UserUpdate
from candor.core.config import Settings
from candor.core.db import Database, utcnow
from candor.core.logging import log
from candor.core.security import (
    AccessClaims,
    create_access_token,
    decode_access_token,
    expiry,
    hash_password,
    hash_token,
    new_refresh_token,
    password_needs_rehash,
    verify_password,
)
from candor.documents.service import purge_documents_of


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None
    user_agent: str | None


class AccountService:
    def __init__(self, session: AsyncSession, settings: Settings, db: Database) -> None:
        self.session = session
        self.settings = settings
        self.db = db

    async def signup(
        self, email: str, password: str, display_name: str | None, role: Role, client: ClientInfo
    ) -> tuple[User, TokenPair]:
        """Create an account and sign it in. Emails are unique case-insensitively."""
        email = email.lower()
        if await repo.get_user_by_email(self.session, email):
            raise EmailTaken("Sign in instead, or use another email address.")
        user = User(
            email=email,
            password_hash=await anyio.to_thread.run_sync(hash_password, password),
            display_name=display_name or email.split("@")[0],
            role=role,
            preferences={},
        )
        try:
            async with self.session.begin_nested():
                await repo.add(self.session, user)
        except IntegrityError:
            raise EmailTaken("Sign in instead, or use another email address.") from None
        return user, await self._start_session(user, client)

    async def login(self, email: str, password: str, client: ClientInfo) -> tuple[User, TokenPair]:
        """Check the password, throttling per account and per IP after repeated failures.

        The same error is given for an unknown email and a wrong password, and both take as long,
        so a sign-in form cannot be used to discover who has an account.
        """
        email = email.lower()
        keys = [f"email:{email}"] + ([f"ip:{client.ip}"] if client.ip else [])
        await self._refuse_if_locked(keys)
        user = await repo.get_user_by_email(self.session, email)
        ok = await anyio.to_thread.run_sync(verify_password, user.password_hash if user else None, password)
        if not ok or user is None:
            await self._record_failure(keys)
            raise InvalidCredentials("Check your email and password and try again.")
        await repo.clear_throttle(self.session, keys[0])
        if password_needs_rehash(user.password_hash):
            user.password_hash = await anyio.to_thread.run_sync(hash_password, password)
        return user, await self._start_session(user, client)

    async def refresh(self, refresh_token: str) -> tuple[User, TokenPair]:
        """Swap a refresh token for a new pair. A token is good once: presenting a used one means
        it was stolen or replayed, so the whole login session it belongs to is revoked."""
        token = await repo.get_refresh_token(self.session, hash_token(refresh_token))
        if token is None:
            raise InvalidRefreshToken("Sign in again.")
        auth_session = token.session
        if token.used_at is not None:
            await self._revoke_in_own_transaction(auth_session.id, "refresh_token_reused")
            log.warning("refresh_token_reused", session_id=str(auth_session.id))
            raise InvalidRefreshToken("This session was signed out for safety. Sign in again.")
        if not auth_session.active:
            raise InvalidRefreshToken("Sign in again.")
        token.used_at = utcnow()
        return auth_session.user, await self._issue(auth_session)

    async def logout(self, session_id: uuid.UUID) -> None:
        await repo.revoke_session(self.session, session_id, "logout")

    async def logout_refresh_token(self, refresh_token: str) -> None:
        token = await repo.get_refresh_token(self.session, hash_token(refresh_token))
        if token is not None:
            await repo.revoke_session(self.session, token.session_id, "logout")

    async def authenticate(self, access_token: str) -> tuple[User, uuid.UUID] | None:
        """The user and login session behind a valid access token whose session is still live."""
        claims = decode_access_token(access_token, self.settings.signing_key)
        if claims is None:
            return None
        user = await repo.get_user_in_active_session(self.session, claims.user_id, claims.session_id)
        return (user, claims.session_id) if user else None

    async def update(self, user: User, data: UserUpdate) -> User:
        if data.display_name is not None:
            user.display_name = data.display_name
        await self.session.flush()
        return user

    async def save_preference(self, user: User, key: str, value: dict[str, Any]) -> User:
        """Store one preference (a JSON object under `key`), keeping the others. The whole JSON value is
        replaced: an in-place change of a JSON column is not seen by the unit of work."""
        user.preferences = {**(user.preferences or {}), key: value}
        await self.session.flush()
        return user

    async def delete_account(self, user: User, password: str) -> None:
        """Delete the account and everything it owns, including stored files, once confirmed."""
        if not await anyio.to_thread.run_sync(verify_password, user.password_hash, password):
            raise InvalidCredentials("The password is incorrect; the account was not deleted.")
        await purge_documents_of(self.session, self.settings, user.id)
        await repo.delete_user(self.session, user)
        log.info("account_deleted", user_id=str(user.id))

    async def _start_session(self, user: User, client: ClientInfo) -> TokenPair:
        auth_session = AuthSession(
            user_id=user.id,
            expires_at=expiry(days=self.settings.refresh_token_days),
            user_agent=(client.user_agent or "")[:300] or None,
            ip=client.ip,
        )
        await repo.add(self.session, auth_session)
        return await self._issue(auth_session, user)

    async def _issue(self, auth_session: AuthSession, user: User | None = None) -> TokenPair:
        user = user or auth_session.user
        refresh = new_refresh_token()
        await repo.add(self.session, RefreshToken(session_id=auth_session.id, token_hash=hash_token(refresh)))
        minutes = self.settings.access_token_minutes
        access = create_access_token(
            AccessClaims(user.id, auth_session.id, user.role, expiry(minutes=minutes)),
            self.settings.signing_key,
        )
        return TokenPair(access_token=access, refresh_token=refresh, expires_in=minutes * 60)

    async def _refuse_if_locked(self, keys: list[str]) -> None:
        now = utcnow()
        for row in await repo.get_throttles(self.session, keys):
            if row.locked_until and row.locked_until > now:
                wait = math.ceil((row.locked_until - now).total_seconds())
                raise LoginThrottled(
                    f"Sign-in is paused for {wait} seconds after repeated failures. "
                    "Wait, then try again, or reset your password.",
                    retry_after=wait,
                )

    async def _record_failure(self, keys: list[str]) -> None:
        """Failures are written in their own transaction: the request's own rolls back with the 401."""
        now = utcnow()
        window = timedelta(seconds=self.settings.login_lockout_seconds)
        async with self.db.sessionmaker() as own, own.begin():
            for key in keys:
                limit = (
                    self.settings.login_max_failures
                    if key.startswith("email:")
                    else self.settings.login_max_failures_per_ip
                )
                row = await repo.record_failure(own, key, now=now, window_start_before=now - window)
                if row.failures >= limit:
                    row.locked_until = now + window
                    row.failures = 0
                    row.window_started_at = now

    async def _revoke_in_own_transaction(self, session_id: uuid.UUID, reason: str) -> None:
        async with self.db.sessionmaker() as own, own.begin():
            await repo.revoke_session(own, session_id, reason)
