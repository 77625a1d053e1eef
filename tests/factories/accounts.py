"""Small factories for accounts, used through the public API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class SignedIn:
    email: str
    user_id: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def sign_up(
    client: httpx.AsyncClient, email: str | None = None, role: str = "candidate", password: str = PASSWORD
) -> SignedIn:
    email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post(
        "/api/v1/auth/signup", json={"email": email, "password": password, "role": role}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return SignedIn(
        email, body["user"]["id"], body["tokens"]["access_token"], body["tokens"]["refresh_token"]
    )
