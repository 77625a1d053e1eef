"""Reading an upload as it streams in, so an oversized file is refused before it is all in memory."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from fastapi import Request
from python_multipart.multipart import parse_options_header

from candor.core.errors import InvalidInput, UnsupportedMediaType
from candor.core.multipart import read_multipart
from candor.documents.errors import DocumentTooLarge

MAX_FIELD_BYTES = 512 * 1024  # a pasted job description, with room to spare
MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class UploadForm:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    data: bytes | None = None


def _too_large(limit: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"The file is larger than {limit / 1024 / 1024:g} MB. Upload a shorter or compressed version "
        "(a PDF export is usually smallest).",
        limit_bytes=limit,
    )


async def read_upload(request: Request, max_file_bytes: int) -> UploadForm:
    """The form's fields and its one file. Sizes are checked as chunks arrive, not after."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_file_bytes + MULTIPART_OVERHEAD:
        raise _too_large(max_file_bytes)
    if content_type == b"application/json":
        return await _read_json(request)
    if content_type == b"application/x-www-form-urlencoded":
        return await _read_urlencoded(request)
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise UnsupportedMediaType(
            "Send the document as multipart/form-data with a 'file' part (or a 'text' field), "
            'or as JSON {"kind": ..., "text": ...}.'
        )

    form = await read_multipart(
        request,
        params[b"boundary"],
        max_file_bytes=max_file_bytes,
        max_field_bytes=MAX_FIELD_BYTES,
        too_large=_too_large,
        one_file="Upload one file at a time.",
    )
    if form.file is None:
        return UploadForm(form.fields)
    return UploadForm(form.fields, form.file.filename, form.file.data)


async def _read_small_body(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_FIELD_BYTES + 1024:
            raise InvalidInput("The text is too long. Paste at most 500 KB of text.")
    return bytes(body)


async def _read_urlencoded(request: Request) -> UploadForm:
    """A plain HTML form with pasted text."""
    fields = parse_qs((await _read_small_body(request)).decode("utf-8", "replace"), max_num_fields=20)
    return UploadForm(fields={k: v[0] for k, v in fields.items()})


async def _read_json(request: Request) -> UploadForm:
    body = await _read_small_body(request)
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput("The request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise InvalidInput('Send a JSON object: {"kind": "job", "text": "..."}.')
    return UploadForm(fields={k: v for k, v in payload.items() if isinstance(v, str)})
