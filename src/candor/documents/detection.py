"""What a file really is, from its bytes: never from its name or the client's content type."""

from __future__ import annotations

import io
import zipfile

import filetype

from candor.documents.errors import CorruptDocument, EmptyDocument, UnsupportedFileType
from candor.documents.schemas import DocumentFormat

ACCEPTED = "PDF, DOCX, TXT or Markdown"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off by the sample's end is still text.
        if exc.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def detect_format(data: bytes, filename: str | None = None) -> DocumentFormat:
    """PDF and DOCX by signature, plain text by its bytes. The filename only tells TXT from MD."""
    if not data.strip():
        raise EmptyDocument("The file is empty. Choose the file again, or paste the text instead.")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"%PDF-":
        return DocumentFormat.PDF
    if data[:4] == b"PK\x03\x04":
        return _zip_format(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnsupportedFileType(
            "This is an old Word (.doc) file. Save it as .docx or PDF in Word, then upload that."
        )
    if _looks_like_text(data[:8192]):
        is_md = filename is not None and filename.lower().endswith((".md", ".markdown"))
        return DocumentFormat.MD if is_md else DocumentFormat.TXT
    kind = filetype.guess(data[:8192])
    what = f"a {kind.extension.upper()} file ({kind.mime})" if kind else "not a document we can read"
    raise UnsupportedFileType(f"This file is {what}. Upload a {ACCEPTED} file.", detected=kind and kind.mime)


def _zip_format(data: bytes) -> DocumentFormat:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise CorruptDocument(
            "The file looks like a Word document but is damaged. Open it in Word, save it again, "
            "and upload the new copy."
        ) from None
    if "word/document.xml" in names:
        return DocumentFormat.DOCX
    if "content.xml" in names:
        raise UnsupportedFileType("This is an OpenDocument file. Save it as .docx or PDF, then upload that.")
    raise UnsupportedFileType(f"This is a ZIP archive, not a document. Upload a {ACCEPTED} file.")
