from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from candor.core.deps import SessionDep, SettingsDep
from candor.documents.service import DocumentService


async def get_document_service(session: SessionDep, settings: SettingsDep) -> DocumentService:
    return DocumentService(session, settings)


DocumentServiceDep = Annotated[DocumentService, Depends(get_document_service)]
