"""All document SQL. Every read is scoped to its owner: another user's document does not exist."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from candor.documents.models import Document
from candor.documents.schemas import DocumentKind


async def add(session: AsyncSession, document: Document) -> None:
    session.add(document)
    await session.flush()


async def get_owned(session: AsyncSession, document_id: uuid.UUID, owner_id: uuid.UUID) -> Document | None:
    result = await session.execute(
        select(Document).where(Document.id == document_id, Document.owner_id == owner_id)
    )
    return result.scalar_one_or_none()


async def list_owned(
    session: AsyncSession, owner_id: uuid.UUID, kind: DocumentKind | None, limit: int, offset: int
) -> list[Document]:
    query = select(Document).where(Document.owner_id == owner_id)
    if kind is not None:
        query = query.where(Document.kind == kind)
    query = query.order_by(Document.created_at.desc(), Document.id).limit(limit).offset(offset)
    return list((await session.execute(query)).scalars())


async def delete_owned(session: AsyncSession, owner_id: uuid.UUID) -> list[str]:
    """Delete all of an owner's documents; the hashes of the blobs they used."""
    result = await session.execute(
        delete(Document).where(Document.owner_id == owner_id).returning(Document.sha256)
    )
    return list(result.scalars())


async def shas_still_used(session: AsyncSession, shas: list[str]) -> set[str]:
    if not shas:
        return set()
    result = await session.execute(select(Document.sha256).where(Document.sha256.in_(set(shas))).distinct())
    return set(result.scalars())
