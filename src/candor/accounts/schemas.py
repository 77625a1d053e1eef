"""Account request and response shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from candor.accounts.models import Role

Password = str


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    password: Password = Field(min_length=10, max_length=256, description="At least 10 characters.")
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    role: Literal[Role.CANDIDATE, Role.RECRUITER] = Role.CANDIDATE
    session: Literal["token", "cookie"] = Field(
        default="token",
        description="`token` returns bearer tokens in the body; `cookie` sets HTTP-only cookies instead.",
    )


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    password: Password = Field(min_length=1, max_length=256)
    session: Literal["token", "cookie"] = "token"


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str | None = Field(
        default=None, max_length=200, description="Omit when the refresh token is in the cookie."
    )


class DeleteAccountRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Password = Field(min_length=1, max_length=256, description="Confirms the deletion.")


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    created_at: datetime


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=100)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


class AuthResult(BaseModel):
    """A signed-in user, with bearer tokens (token sessions) or a CSRF token (cookie sessions)."""

    user: UserRead
    tokens: TokenPair | None = None
    csrf_token: str | None = None
