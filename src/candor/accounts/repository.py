"""All account SQL."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from candor.accounts.models import AuthSession, LoginThrottle, RefreshToken, User
from candor.core.db import utcnow


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == email.lower()))
    return result.scalar_one_or_none()


async def get_user_in_active_session(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
) -> User | None:
    """The user, provided the login session the token names is still live (not signed out)."""
    result = await session.execute(
        select(User)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(
            User.id == user_id,
            AuthSession.id == session_id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > utcnow(),
        )
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, obj: User | AuthSession | RefreshToken) -> None:
    session.add(obj)
    await session.flush()


async def get_refresh_token(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    result = await session.execute(
        select(RefreshToken)
        .options(joinedload(RefreshToken.session).joinedload(AuthSession.user))
        .where(RefreshToken.token_hash == token_hash)
        .with_for_update(of=RefreshToken)
    )
    return result.scalar_one_or_none()


async def delete_user(session: AsyncSession, user: User) -> None:
    await session.execute(delete(User).where(User.id == user.id))


async def get_throttles(session: AsyncSession, keys: list[str]) -> list[LoginThrottle]:
    result = await session.execute(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    return list(result.scalars())


async def record_failure(
    session: AsyncSession, key: str, *, now: datetime, window_start_before: datetime
) -> LoginThrottle:
    """Count one failed login for `key`, starting a fresh window when the last one is old."""
    row = await session.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_started_at=now)
        session.add(row)
        try:
            async with session.begin_nested():
                await session.flush()
        except IntegrityError:  # a concurrent failure created it first
            row = await session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
            assert row is not None
    if row.window_started_at < window_start_before:
        row.failures = 0
        row.window_started_at = now
    row.failures += 1
    await session.flush()
    return row


async def clear_throttle(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


async def revoke_session(session: AsyncSession, session_id: uuid.UUID, reason: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )
