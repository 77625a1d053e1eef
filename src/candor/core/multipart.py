"""A multipart/form-data body read as it streams in, with its fields and at most one file, so an oversized
file is refused at the chunk that crosses the limit instead of after the whole body is in memory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from candor.core.errors import AppError, InvalidInput


@dataclass
class FilePart:
    data: bytes
    filename: str | None
    content_type: bytes  # as the client sent it, parameters included


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    file: FilePart | None = None


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    content_type: bytes = b""
    is_file: bool = False
    buffer: bytearray = field(default_factory=bytearray)


async def read_multipart(
    request: Request,
    boundary: bytes,
    *,
    max_file_bytes: int,
    max_field_bytes: int,
    too_large: Callable[[int], AppError],
    one_file: str,
) -> Form:
    """The form's text fields and its one file. `too_large(limit)` is the error for an oversized file;
    `one_file` the message for a second one."""
    form = Form()
    part = _Part()
    header_field = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}

    def on_part_begin() -> None:
        nonlocal part
        part = _Part()
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        part.name = disposition.get(b"name", b"").decode("utf-8", "replace")
        part.content_type = headers.get(b"content-type", b"")
        if b"filename" in disposition:
            if form.file is not None:
                raise InvalidInput(one_file)
            part.is_file = True
            part.filename = disposition[b"filename"].decode("utf-8", "replace")[:255] or None

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part.buffer.extend(data[start:end])
        if part.is_file and len(part.buffer) > max_file_bytes:
            raise too_large(max_file_bytes)
        if not part.is_file and len(part.buffer) > max_field_bytes:
            raise InvalidInput(f"The field '{part.name}' is too long.")

    def on_part_end() -> None:
        if part.is_file:
            form.file = FilePart(bytes(part.buffer), part.filename, part.content_type)
        elif part.name:
            form.fields[part.name] = part.buffer.decode("utf-8", "replace")

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise InvalidInput("The upload was cut off or malformed. Try sending it again.") from None
    return form
