"""/api/v1/documents: upload, read, correct and delete CVs and job descriptions."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response, status

from candor.accounts.deps import CurrentUser
from candor.accounts.errors import NotAuthenticated
from candor.core.deps import SettingsDep
from candor.core.errors import InvalidInput, UnsupportedMediaType, responses
from candor.documents.deps import DocumentServiceDep
from candor.documents.errors import DOCUMENT_INPUT_ERRORS, DocumentNotFound
from candor.documents.schemas import (
    CVParseUpdate,
    DocumentDetail,
    DocumentFormat,
    DocumentKind,
    DocumentRead,
    JobParseUpdate,
)
from candor.documents.service import to_read
from candor.documents.upload import read_upload

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])

MEDIA_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentFormat.TXT: "text/plain; charset=utf-8",
    DocumentFormat.MD: "text/markdown; charset=utf-8",
}

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["cv", "job"]},
                        "file": {"type": "string", "format": "binary", "description": "PDF, DOCX, TXT or MD"},
                        "text": {"type": "string", "description": "Pasted text instead of a file"},
                    },
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "text"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["cv", "job"]},
                        "text": {"type": "string"},
                    },
                }
            },
        },
    }
}


@router.post(
    "",
    response_model=DocumentDetail,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_UPLOAD_BODY,
    responses=responses(NotAuthenticated, InvalidInput, UnsupportedMediaType, *DOCUMENT_INPUT_ERRORS),
)
async def upload_document(
    request: Request, user: CurrentUser, service: DocumentServiceDep, settings: SettingsDep
) -> DocumentDetail:
    """Upload a CV or job description (a file, or pasted text) and get its parse."""
    form = await read_upload(request, settings.max_upload_bytes)
    try:
        kind = DocumentKind(form.fields.get("kind", ""))
    except ValueError:
        raise InvalidInput("Say what the document is: kind must be 'cv' or 'job'.") from None
    document = await service.upload(
        user.id, kind, data=form.data, filename=form.filename, text=form.fields.get("text")
    )
    return to_read(document)


@router.get("", response_model=list[DocumentRead], responses=responses(NotAuthenticated))
async def list_documents(
    user: CurrentUser,
    service: DocumentServiceDep,
    kind: DocumentKind | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[DocumentDetail]:
    """Your documents, newest first."""
    return [to_read(d) for d in await service.list_owned(user.id, kind, limit, offset)]


@router.get(
    "/{document_id}", response_model=DocumentDetail, responses=responses(NotAuthenticated, DocumentNotFound)
)
async def get_document(
    document_id: uuid.UUID, user: CurrentUser, service: DocumentServiceDep
) -> DocumentDetail:
    """One document with its text and parse (your corrections applied)."""
    return to_read(await service.get(user.id, document_id))


@router.patch(
    "/{document_id}",
    response_model=DocumentDetail,
    responses=responses(NotAuthenticated, DocumentNotFound, InvalidInput),
)
async def correct_document(
    document_id: uuid.UUID,
    update: CVParseUpdate | JobParseUpdate,
    user: CurrentUser,
    service: DocumentServiceDep,
) -> DocumentDetail:
    """Correct fields of the parse. Only the fields sent change; corrections are kept from then on."""
    changes = update.model_dump(mode="json", exclude_unset=True)
    return to_read(await service.correct(user.id, document_id, changes))


@router.get(
    "/{document_id}/file",
    response_class=Response,
    responses={
        200: {"content": {v.split(";")[0]: {} for v in MEDIA_TYPES.values()}},
        **responses(NotAuthenticated, DocumentNotFound),
    },
)
async def download_original(
    document_id: uuid.UUID, user: CurrentUser, service: DocumentServiceDep
) -> Response:
    """The original file as uploaded."""
    document, data = await service.original(user.id, document_id)
    name = document.filename or f"{document.kind}.txt"
    return Response(
        data,
        media_type=MEDIA_TYPES[document.format],
        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"},
    )


@router.delete(
    "/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(NotAuthenticated, DocumentNotFound),
)
async def delete_document(document_id: uuid.UUID, user: CurrentUser, service: DocumentServiceDep) -> None:
    """Delete a document and, unless another document shares it, its stored file."""
    await service.delete(user.id, document_id)
