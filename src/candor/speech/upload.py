"""Reading an audio upload as it streams in, so an oversized file is refused before it is all in memory.

Two shapes are accepted: multipart/form-data with one `file` part (plus optional fields such as
`sample_rate`), as a browser form or `curl -F file=@answer.webm` sends it; or the bytes as the request
body with an `audio/*` content type (`audio/L16; rate=16000` for raw PCM).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.multipart import parse_options_header

from candor.core.errors import InvalidInput
from candor.core.multipart import read_multipart
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
    form = await read_multipart(
        request,
        boundary,
        max_file_bytes=max_bytes,
        max_field_bytes=MAX_FIELD_BYTES,
        too_large=too_large,
        one_file="Send one recording at a time.",
    )
    if form.file is None:
        raise InvalidInput("Attach the recording as a 'file' part of the form.")
    media, params = parse_options_header(form.file.content_type)
    fields = {name: value.strip() for name, value in form.fields.items()}
    return AudioUpload(
        form.file.data, form.file.filename, media.decode("latin-1").lower(), _params(params), fields
    )
