"""Why a document was refused, each in words the uploader can act on."""

from __future__ import annotations

from candor.core.errors import AppError, InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType


class DocumentNotFound(NotFound):
    code = "document_not_found"
    title = "Document not found"


class EmptyDocument(InvalidInput):
    code = "empty_document"
    title = "The file is empty"


class UnsupportedFileType(UnsupportedMediaType):
    code = "unsupported_file_type"
    title = "Unsupported file type"


class CorruptDocument(InvalidInput):
    code = "corrupt_document"
    title = "The file is damaged"


class EncryptedDocument(InvalidInput):
    code = "encrypted_document"
    title = "The document is password-protected"


class NoTextLayer(InvalidInput):
    code = "no_text_layer"
    title = "The document has no text"


class TooManyPages(InvalidInput):
    code = "too_many_pages"
    title = "The document has too many pages"


class DocumentTooLarge(PayloadTooLarge):
    code = "document_too_large"
    title = "The file is too large"


class ArchiveBomb(InvalidInput):
    code = "archive_bomb"
    title = "The document expands to an unsafe size"


class NotACV(InvalidInput):
    code = "not_a_cv"
    title = "This does not look like a CV"


class NotAJobDescription(InvalidInput):
    code = "not_a_job_description"
    title = "This does not look like a job description"


class ParseTimeout(InvalidInput):
    code = "parse_timeout"
    title = "The document took too long to read"


class ParseResourceLimit(InvalidInput):
    code = "parse_resource_limit"
    title = "The document is too complex to read safely"


DOCUMENT_INPUT_ERRORS: tuple[type[AppError], ...] = (
    EmptyDocument,
    UnsupportedFileType,
    CorruptDocument,
    EncryptedDocument,
    NoTextLayer,
    TooManyPages,
    DocumentTooLarge,
    ArchiveBomb,
    NotACV,
    NotAJobDescription,
    ParseTimeout,
    ParseResourceLimit,
)
