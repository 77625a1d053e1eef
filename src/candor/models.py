"""Every model, imported once so the metadata (and Alembic) sees all tables."""

from candor.accounts.models import AuthSession, LoginThrottle, RefreshToken, User
from candor.core.db import Base
from candor.documents.models import Document
from candor.interviews.models import (
    AssessmentRecord,
    AudioRecording,
    IntegrityEvent,
    Interview,
    InterviewMessage,
    ModelCall,
)

__all__ = [
    "AssessmentRecord",
    "AudioRecording",
    "AuthSession",
    "Base",
    "Document",
    "IntegrityEvent",
    "Interview",
    "InterviewMessage",
    "LoginThrottle",
    "ModelCall",
    "RefreshToken",
    "User",
]
