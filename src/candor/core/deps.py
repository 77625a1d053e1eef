"""Dependencies every feature shares: settings, the database and the request's unit of work.

Dependencies are `async def` even when they do not await: FastAPI runs plain `def` ones in a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from candor.core.config import Settings
from candor.core.db import Database


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_session(db: Annotated[Database, Depends(get_database)]) -> AsyncIterator[AsyncSession]:
    async with db.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
# scope="function": commit before the response is sent, so nothing acknowledged can be lost.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
