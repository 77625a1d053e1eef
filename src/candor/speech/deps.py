from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from candor.accounts.deps import CurrentUser
from candor.core.deps import SettingsDep
from candor.speech.engines import SpeechEngines
from candor.speech.service import SpeechService


async def get_speech_engines(request: Request) -> SpeechEngines:
    engines: SpeechEngines = request.app.state.speech
    return engines


SpeechEnginesDep = Annotated[SpeechEngines, Depends(get_speech_engines)]


async def get_speech_service(engines: SpeechEnginesDep, settings: SettingsDep) -> SpeechService:
    return SpeechService(engines, settings)


SpeechServiceDep = Annotated[SpeechService, Depends(get_speech_service)]


async def transcription_quota(user: CurrentUser, service: SpeechServiceDep) -> None:
    await service.check_quota(user.id, "transcription")


async def speech_quota(user: CurrentUser, service: SpeechServiceDep) -> None:
    await service.check_quota(user.id, "speech")
