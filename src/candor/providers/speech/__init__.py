"""Speech providers: the Protocols, the offline engines (faster-whisper, Piper, espeak-ng, Silero VAD),
OpenAI-compatible hosted engines and the fallback chains."""

from candor.providers.speech.base import (
    SAMPLE_RATE,
    AllProvidersFailed,
    AudioChunk,
    EngineStatus,
    ProviderError,
    Segment,
    SpeechAudio,
    SpeechRequest,
    SpeechToText,
    SpeechUnavailable,
    TextToSpeech,
    Transcript,
    TranscriptionRequest,
    segment_confidence,
    speech_pieces,
    transcript_confidence,
    whisper_prompt,
)
from candor.providers.speech.chain import SpeechToTextChain, TextToSpeechChain
from candor.providers.speech.espeak import EspeakTTS
from candor.providers.speech.factory import SpeechProviderConfig, build_stt_chain, build_tts_chain
from candor.providers.speech.openai_compat import OpenAISpeechToText, OpenAITextToSpeech
from candor.providers.speech.piper_local import PiperOptions, PiperTTS
from candor.providers.speech.runtime import BlockingPool
from candor.providers.speech.whisper_local import FasterWhisperSTT, WhisperOptions

__all__ = [
    "SAMPLE_RATE",
    "AllProvidersFailed",
    "AudioChunk",
    "BlockingPool",
    "EngineStatus",
    "EspeakTTS",
    "FasterWhisperSTT",
    "OpenAISpeechToText",
    "OpenAITextToSpeech",
    "PiperOptions",
    "PiperTTS",
    "ProviderError",
    "Segment",
    "SpeechAudio",
    "SpeechProviderConfig",
    "SpeechRequest",
    "SpeechToText",
    "SpeechToTextChain",
    "SpeechUnavailable",
    "TextToSpeech",
    "TextToSpeechChain",
    "Transcript",
    "TranscriptionRequest",
    "WhisperOptions",
    "build_stt_chain",
    "build_tts_chain",
    "segment_confidence",
    "speech_pieces",
    "transcript_confidence",
    "whisper_prompt",
]
