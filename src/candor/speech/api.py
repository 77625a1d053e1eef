"""/api/v1/transcriptions and /api/v1/speech: speech to text and text to speech over REST.

The router brings its own lifespan (merged into the app's by `include_router`): when the application has
not built the speech engines (`app.state.speech`) itself, it builds them from settings at startup and
closes them at shutdown. Models load on first use.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from candor.accounts.deps import get_current_user
from candor.accounts.errors import NotAuthenticated
from candor.core.errors import InvalidInput, responses
from candor.speech.deps import SpeechServiceDep, speech_quota, transcription_quota
from candor.speech.errors import (
    SPEECH_INPUT_ERRORS,
    TRANSCRIPTION_INPUT_ERRORS,
    SpeechRateLimited,
    VoiceUnavailable,
)
from candor.speech.schemas import SpeechCreate, SpeechStatusRead, TranscriptionRead
from candor.speech.upload import read_audio_upload

router = APIRouter(prefix="/api/v1", tags=["speech"])

_AUDIO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "WAV, FLAC, OGG, MP3, WebM or M4A; or raw 16-bit PCM at 16 kHz",
                        },
                        "sample_rate": {"type": "integer", "description": "Required for raw PCM: 16000"},
                        "vocabulary": {
                            "type": "string",
                            "description": "Comma-separated names and jargon likely to be said",
                        },
                    },
                }
            },
            "audio/*": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/transcriptions",
    response_model=TranscriptionRead,
    openapi_extra=_AUDIO_BODY,
    dependencies=[Depends(transcription_quota)],
    responses=responses(
        NotAuthenticated, InvalidInput, SpeechRateLimited, VoiceUnavailable, *TRANSCRIPTION_INPUT_ERRORS
    ),
)
async def create_transcription(request: Request, service: SpeechServiceDep) -> TranscriptionRead:
    """Transcribe a recording: its text, timed segments and how confident the model is."""
    upload = await read_audio_upload(request, service.max_upload_bytes)
    return await service.transcribe(upload)


@router.post(
    "/speech",
    response_class=Response,
    dependencies=[Depends(speech_quota)],
    responses={
        200: {"content": {"audio/wav": {}}, "description": "The text spoken, as 16-bit mono WAV."},
        **responses(
            NotAuthenticated, InvalidInput, SpeechRateLimited, VoiceUnavailable, *SPEECH_INPUT_ERRORS
        ),
    },
)
async def create_speech(create: SpeechCreate, service: SpeechServiceDep) -> Response:
    """Speak a text with the interviewer's voice."""
    wav, audio = await service.synthesize(create)
    return Response(
        wav,
        media_type="audio/wav",
        headers={
            "content-disposition": 'inline; filename="speech.wav"',
            "x-speech-provider": audio.provider,
            "x-speech-voice": audio.voice,
        },
    )


@router.get(
    "/speech/status",
    response_model=SpeechStatusRead,
    dependencies=[Depends(get_current_user)],
    responses=responses(NotAuthenticated),
)
async def speech_status(service: SpeechServiceDep) -> SpeechStatusRead:
    """Whether voice interviews can run here, and if not, why."""
    return service.status()
