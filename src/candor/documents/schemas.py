"""Shapes of documents and their structured parses."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Dates in a parse are "YYYY", "YYYY-MM" or "present".
PartialDate = str


class DocumentKind(StrEnum):
    CV = "cv"
    JOB = "job"


class DocumentFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    TXT = "txt"
    MD = "md"


class ExperienceEntry(BaseModel):
    company: str | None = None
    title: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    location: str | None = None
    highlights: list[str] = Field(default_factory=list)


class EducationEntry(BaseModel):
    institution: str | None = None
    degree: str | None = None
    area: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None


class CVParse(BaseModel):
    """What a CV says, as `candor parse-cv` prints it. Absent fields are null or []."""

    name: str | None = None
    headline: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: list[str] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    experience: list[ExperienceEntry] = Field(default_factory=list)
    education: list[EducationEntry] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    projects: list[str] = Field(default_factory=list)
    years_of_experience: float | None = None


Seniority = Literal["intern", "junior", "mid", "senior", "lead", "principal"]


class JobParse(BaseModel):
    """What a job description asks for, as `candor parse-job` prints it."""

    title: str | None = None
    company: str | None = None
    location: str | None = None
    seniority: Seniority | None = None
    seniority_evidence: list[str] = Field(
        default_factory=list, description="The words in the text that justify the seniority."
    )
    required_skills: list[str] = Field(default_factory=list)
    nice_to_have_skills: list[str] = Field(default_factory=list)
    responsibilities: list[str] = Field(default_factory=list)
    qualifications: list[str] = Field(default_factory=list)


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: DocumentKind
    filename: str | None
    format: DocumentFormat
    size_bytes: int
    page_count: int | None
    sha256: str
    parser_version: str
    created_at: datetime
    updated_at: datetime
    corrected_fields: list[str] = Field(description="Fields the user has corrected by hand.")
    parse: CVParse | JobParse


class DocumentDetail(DocumentRead):
    text: str


class CVParseUpdate(BaseModel):
    """A correction to a CV parse: only the fields given are replaced, and kept from then on."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    headline: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    location: str | None = Field(default=None, max_length=300)
    links: list[str] | None = Field(default=None, max_length=50)
    skills: list[str] | None = Field(default=None, max_length=300)
    experience: list[ExperienceEntry] | None = Field(default=None, max_length=100)
    education: list[EducationEntry] | None = Field(default=None, max_length=50)
    certifications: list[str] | None = Field(default=None, max_length=100)
    languages: list[str] | None = Field(default=None, max_length=50)
    projects: list[str] | None = Field(default=None, max_length=100)


class JobParseUpdate(BaseModel):
    """A correction to a job-description parse: only the fields given are replaced."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=300)
    seniority: Seniority | None = None
    required_skills: list[str] | None = Field(default=None, max_length=300)
    nice_to_have_skills: list[str] | None = Field(default=None, max_length=300)
    responsibilities: list[str] | None = Field(default=None, max_length=200)
    qualifications: list[str] | None = Field(default=None, max_length=200)
