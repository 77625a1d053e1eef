"""An uploaded CV or job description: where its original is, its text, and its parse."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from candor.core.db import Base, IdMixin, TimestampMixin
from candor.documents.schemas import DocumentFormat, DocumentKind


class Document(IdMixin, TimestampMixin, Base):
    __tablename__ = "documents"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(String(10))
    format: Mapped[DocumentFormat] = mapped_column(String(10))
    filename: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    page_count: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    parsed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    corrections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    parser_version: Mapped[str] = mapped_column(String(40))

    @property
    def parse_data(self) -> dict[str, Any]:
        """The parser's output with the user's corrections laid over it, field by field."""
        return {**self.parsed, **self.corrections}

    @property
    def corrected_fields(self) -> list[str]:
        return sorted(self.corrections)
