"""Reading an audio upload as it streams in, so an oversized file is refused before it is all in memory.

Two shapes are accepted: multipart/form-data with one `file` part (plus optional fields such as
`sample_rate`), as a browser form or `curl -F file=@answer.webm` sends it; or the bytes as the request
body with an `audio/*` content type (`audio/L16; rate=16000` for raw PCM).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from candor.core.errors import InvalidInput
from candor.speech.errors import AudioTooLarge, UnsupportedAudio

MAX_FIELD_BYTES = 4 * 1024
MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class AudioUpload:
    """The uploaded bytes with what the client said about them."""

    data: bytes
    filename: str | None = None
    content_type: str = ""
    type_params: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    content_type: bytes = b""
    is_file: bool = False
    buffer: bytearray = field(default_factory=bytearray)


def too_large(limit: int) -> AudioTooLarge:
    return AudioTooLarge(
        f"The audio is larger than {limit / 1024 / 1024:g} MB. Send a shorter recording, or a compressed "
        "one (OGG/Opus, WebM or MP3 are about ten times smaller than WAV).",
        limit_bytes=limit,
    )


def _params(raw: dict[bytes, bytes]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw.items()}


async def read_audio_upload(request: Request, max_bytes: int) -> AudioUpload:
    """The one audio file of the request. Sizes are checked as chunks arrive, not after."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + MULTIPART_OVERHEAD:
        raise too_large(max_bytes)
    media = content_type.decode("latin-1").lower()
    if media.startswith("audio/") or media == "application/octet-stream":
        return AudioUpload(await _read_body(request, max_bytes), None, media, _params(params))
    if media != "multipart/form-data" or b"boundary" not in params:
        raise UnsupportedAudio(
            "Send the recording as multipart/form-data with a 'file' part, or as the request body with "
            "its audio/* content type."
        )
    return await _read_multipart(request, params[b"boundary"], max_bytes)


async def _read_body(request: Request, max_bytes: int) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise too_large(max_bytes)
    return bytes(body)


async def _read_multipart(request: Request, boundary: bytes, max_bytes: int) -> AudioUpload:
    fields: dict[str, str] = {}
    found: list[_Part] = []
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
            part.is_file = True
            part.filename = disposition[b"filename"].decode("utf-8", "replace")[:255] or None
            if found:
                raise InvalidInput("Send one recording at a time.")
            found.append(part)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part.buffer.extend(data[start:end])
        if part.is_file and len(part.buffer) > max_bytes:
            raise too_large(max_bytes)
        if not part.is_file and len(part.buffer) > MAX_FIELD_BYTES:
            raise InvalidInput(f"The field '{part.name}' is too long.")

    def on_part_end() -> None:
        if not part.is_file and part.name:
            fields[part.name] = part.buffer.decode("utf-8", "replace").strip()

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
    if not found:
        raise InvalidInput("Attach the recording as a 'file' part of the form.")
    file = found[0]
    media, params = parse_options_header(file.content_type)
    return AudioUpload(
        bytes(file.buffer), file.filename, media.decode("latin-1").lower(), _params(params), fields
    )
