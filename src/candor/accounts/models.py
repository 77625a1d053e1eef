"""Users, their login sessions (refresh-token families) and login throttling state."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from candor.core.db import Base, IdMixin, TimestampMixin, utcnow


class Role(StrEnum):
    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    ADMIN = "admin"


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(String(20), default=Role.CANDIDATE)
    preferences: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    sessions: Mapped[list[AuthSession]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class AuthSession(IdMixin, Base):
    """One login. Its refresh tokens form a family: reuse of a rotated token revokes the whole session."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(300), default=None)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)

    user: Mapped[User] = relationship(back_populates="sessions", lazy="raise")
    refresh_tokens: Mapped[list[RefreshToken]] = relationship(
        back_populates="session", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )

    def revoke(self, reason: str) -> None:
        if self.revoked_at is None:
            self.revoked_at = utcnow()
            self.revoked_reason = reason

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()


class RefreshToken(IdMixin, Base):
    __tablename__ = "refresh_tokens"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)

    session: Mapped[AuthSession] = relationship(back_populates="refresh_tokens", lazy="raise")


class LoginThrottle(Base):
    """Recent failed logins for one key ("email:…" or "ip:…"), and until when that key is locked."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
