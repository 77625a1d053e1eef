"""The curated question bank, loaded once from `data/question_bank.toml` and validated on load.

A template's placeholders say what it needs from the documents; the planner offers a template only when
every placeholder can be filled from the CV or the position, which is what keeps questions grounded.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from candor.documents.skills import canonical_skill
from candor.interviewer.types import Difficulty, QuestionKind, Stage

_DATA = Path(__file__).parent / "data" / "question_bank.toml"

PLACEHOLDERS = frozenset(
    {"company", "title", "claim", "project", "skill", "requirement", "duty", "job_title", "job_company"}
)
PROBE_KEYS = frozenset({"example", "own_role", "specifics", "result", "tradeoffs"})
ALL_LEVELS: tuple[Difficulty, ...] = ("junior", "mid", "senior", "lead")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def _placeholders(text: str) -> frozenset[str]:
    return frozenset(_PLACEHOLDER.findall(text))


class BankQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    stage: Stage
    kind: QuestionKind
    competency: str
    levels: tuple[Difficulty, ...] = ALL_LEVELS
    family: str | None = None
    text: str
    probes: dict[str, str] = Field(min_length=1, max_length=3)

    @property
    def placeholders(self) -> frozenset[str]:
        return _placeholders(self.text)

    def fill(self, values: dict[str, str]) -> str:
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.text)


@dataclass(frozen=True)
class Bank:
    version: str
    questions: tuple[BankQuestion, ...]
    families: dict[str, tuple[str, ...]]
    software_families: frozenset[str]
    _family_by_skill: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {skill.lower(): name for name, skills in self.families.items() for skill in skills}
        object.__setattr__(self, "_family_by_skill", index)

    def family_of(self, skill: str) -> str | None:
        return self._family_by_skill.get(canonical_skill(skill).lower())

    def by_id(self, bank_id: str) -> BankQuestion | None:
        return next((q for q in self.questions if q.id == bank_id), None)


class BankError(ValueError):
    """The question bank file is malformed; raised at load time so a bad edit fails every test."""


@cache
def load_bank() -> Bank:
    raw = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    families = {name: tuple(skills) for name, skills in raw["families"].items() if name != "software"}
    bank = Bank(
        version=raw["version"],
        questions=tuple(BankQuestion.model_validate(q) for q in raw["questions"]),
        families=families,
        software_families=frozenset(raw["families"]["software"]),
    )
    _validate(bank)
    return bank


def _validate(bank: Bank) -> None:
    seen: set[str] = set()
    for q in bank.questions:
        if q.id in seen:
            raise BankError(f"duplicate question id {q.id}")
        seen.add(q.id)
        if unknown := q.placeholders - PLACEHOLDERS:
            raise BankError(f"{q.id}: unknown placeholders {sorted(unknown)}")
        if _placeholders(" ".join(q.probes.values())):
            raise BankError(f"{q.id}: probes are asked as written and cannot use placeholders")
        if bad_keys := set(q.probes) - PROBE_KEYS:
            raise BankError(f"{q.id}: unknown probe keys {sorted(bad_keys)}")
        if q.family and q.family != "software" and q.family not in bank.families:
            raise BankError(f"{q.id}: unknown family {q.family}")
    if unknown := bank.software_families - set(bank.families):
        raise BankError(f"unknown software families {sorted(unknown)}")
