"""Uploading, reading, correcting and deleting CVs and job descriptions."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from candor.core.config import Settings
from candor.core.db import after_commit
from candor.core.errors import InvalidInput
from candor.documents import repository as repo
from candor.documents.detection import detect_format
from candor.documents.errors import DocumentNotFound
from candor.documents.models import Document
from candor.documents.parsing import PARSER_VERSION, ParserPool
from candor.documents.schemas import (
    CVParse,
    CVParseUpdate,
    DocumentDetail,
    DocumentFormat,
    DocumentKind,
    JobParse,
    JobParseUpdate,
)
from candor.documents.storage import BlobStore


def to_read(document: Document) -> DocumentDetail:
    parse_model = CVParse if document.kind == DocumentKind.CV else JobParse
    return DocumentDetail(
        id=document.id,
        kind=document.kind,
        filename=document.filename,
        format=document.format,
        size_bytes=document.size_bytes,
        page_count=document.page_count,
        sha256=document.sha256,
        parser_version=document.parser_version,
        created_at=document.created_at,
        updated_at=document.updated_at,
        corrected_fields=document.corrected_fields,
        parse=parse_model.model_validate(document.parse_data),
        text=document.text,
    )


class DocumentService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.blobs = BlobStore(settings.blob_dir)

    async def upload(
        self,
        owner_id: uuid.UUID,
        kind: DocumentKind,
        *,
        data: bytes | None,
        filename: str | None,
        text: str | None,
    ) -> Document:
        """Store an upload and its parse. The type comes from the bytes; pasted text is stored as TXT.

        Anything we cannot read is refused with the reason, so the user never gets a silently empty parse.
        """
        if data is None:
            if text is None or not text.strip():
                raise InvalidInput("Attach a file, or paste the text of the document.")
            data, filename = text.encode("utf-8"), None
        fmt = detect_format(data, filename)
        parsed = await ParserPool.shared(self.settings.parse_workers, self.settings.parse_memory_mb).parse(
            data,
            fmt,
            kind,
            max_pages=self.settings.max_pages,
            deadline=self.settings.parse_timeout_seconds,
        )
        sha256 = await self.blobs.put(data)
        document = Document(
            owner_id=owner_id,
            kind=kind,
            format=fmt,
            filename=filename,
            size_bytes=len(data),
            sha256=sha256,
            page_count=parsed.page_count,
            text=parsed.text,
            parsed=parsed.parse,
            corrections={},
            parser_version=PARSER_VERSION,
        )
        await repo.add(self.session, document)
        return document

    async def get(self, owner_id: uuid.UUID, document_id: uuid.UUID) -> Document:
        document = await repo.get_owned(self.session, document_id, owner_id)
        if document is None:
            raise DocumentNotFound("No such document. It may have been deleted.")
        return document

    async def list_owned(
        self, owner_id: uuid.UUID, kind: DocumentKind | None, limit: int, offset: int
    ) -> list[Document]:
        return await repo.list_owned(self.session, owner_id, kind, limit, offset)

    async def correct(self, owner_id: uuid.UUID, document_id: uuid.UUID, changes: dict[str, Any]) -> Document:
        """Keep the user's corrections beside the parser's output; they win from then on, even after a
        re-parse. A correction must fit the document's kind."""
        document = await self.get(owner_id, document_id)
        model = CVParseUpdate if document.kind == DocumentKind.CV else JobParseUpdate
        try:
            update = model.model_validate(changes)
        except ValidationError as exc:
            fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
            raise InvalidInput(
                f"These corrections do not fit a {document.kind} parse: {fields}.",
                errors=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()],
            ) from None
        document.corrections = {**document.corrections, **update.model_dump(mode="json", exclude_unset=True)}
        await self.session.flush()
        return document

    async def original(self, owner_id: uuid.UUID, document_id: uuid.UUID) -> tuple[Document, bytes]:
        document = await self.get(owner_id, document_id)
        return document, await self.blobs.read(document.sha256)

    async def delete(self, owner_id: uuid.UUID, document_id: uuid.UUID) -> None:
        document = await self.get(owner_id, document_id)
        await self.session.delete(document)
        await self.session.flush()
        await _forget_blobs(self.session, self.blobs, [document.sha256])


async def purge_documents_of(session: AsyncSession, settings: Settings, owner_id: uuid.UUID) -> None:
    """Delete every document an owner has, and their stored files once nobody else uses them."""
    shas = await repo.delete_owned(session, owner_id)
    await _forget_blobs(session, BlobStore(settings.blob_dir), shas)


async def _forget_blobs(session: AsyncSession, blobs: BlobStore, shas: list[str]) -> None:
    """Blobs are shared by content; delete the ones no document uses any more, after the commit."""
    unused = set(shas) - await repo.shas_still_used(session, shas)

    async def remove() -> None:
        for sha in unused:
            await blobs.delete(sha)

    after_commit(session, remove)


__all__ = ["DocumentFormat", "DocumentService", "purge_documents_of", "to_read"]
