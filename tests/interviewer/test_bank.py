from __future__ import annotations

import re
from collections import Counter

from candor.documents.skills import find_skills
from candor.interviewer.bank import PLACEHOLDERS, PROBE_KEYS, load_bank


def test_bank_is_large_and_versioned() -> None:
    bank = load_bank()
    assert bank.version
    assert len(bank.questions) >= 150
    kinds = Counter(q.kind for q in bank.questions)
    assert set(kinds) == {"behavioural", "technical", "situational", "motivation"}
    assert len({q.competency for q in bank.questions}) >= 20


def test_literal_text_names_no_skill_technology_or_employer() -> None:
    """Grounding starts in the bank: only placeholders may bring names into a question."""
    for q in load_bank().questions:
        literal = re.sub(r"\{\w+\}", " ", " ".join([q.text, *q.probes.values()]))
        assert find_skills(literal) == [], q.id
        # No capitalised names mid-sentence other than "I" (employers, products, places).
        for sentence in re.split(r"(?<=[.?!:])\s+", literal):
            names = [w for w in re.findall(r"(?<!^)(?<![\"(])\b[A-Z][a-z]+", sentence.strip()) if w != "I"]
            assert names == [], (q.id, names)


def test_placeholders_and_probes_are_known() -> None:
    for q in load_bank().questions:
        assert q.placeholders <= PLACEHOLDERS, q.id
        assert 1 <= len(q.probes) <= 3, q.id
        assert set(q.probes) <= PROBE_KEYS, q.id


def test_every_kind_can_fill_a_long_interview_without_documents() -> None:
    """Enough questions that need nothing from the documents, so a 20-question plan of one kind exists."""
    bank = load_bank()
    for kind in ("behavioural", "technical", "situational", "motivation"):
        free = [q for q in bank.questions if q.kind == kind and not q.placeholders]
        assert len(free) >= 20, kind
