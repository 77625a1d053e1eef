"""Reading one answer: is it on topic, specific, structured, and whose work does it describe?

The measures are deliberately simple and explainable (word overlap, named tools, numbers, first-person
actions, STAR cues), so that a follow-up or a score can always point at the words that caused it.
"""

from __future__ import annotations

import re

from candor.documents.schemas import CVParse, JobParse
from candor.documents.skills import find_skills
from candor.interviewer.injection import detect_injection
from candor.interviewer.text import QUESTION_FRAME, content_stems, has_number, sentences, stem, words
from candor.interviewer.types import AnswerAnalysis, PlannedQuestion, QuestionKind

_I = re.IGNORECASE

# Order in which missing elements are probed: without an example nothing else can be judged.
MISSING_ORDER = ("example", "own_role", "specifics", "result", "tradeoffs")

COMPETENCY_WORDS: dict[str, str] = {
    "conflict": "disagree disagreement conflict argument tension pushback compromise resolve resolved agree",
    "leadership": "lead led team direction vision decided align goal ownership",
    "people_management": "report team hire hiring performance feedback expectations coaching",
    "mentoring": "mentor mentored coach coached taught teach junior grow pair paired learn",
    "prioritisation": "priority prioritise prioritize deadline urgent first important drop delay trade",
    "communication": "explain explained wrote written present presented message understood audience told",
    "collaboration": "team colleague together collaborate worked partner help helped aligned",
    "customer_focus": "customer client user users feedback need needs complaint",
    "ownership": "responsible responsibility owned took fix fixed initiative",
    "failure": "mistake failed failure wrong learned lesson",
    "learning": "learn learned course practice studied documentation tutorial",
    "feedback": "feedback criticism review improve changed",
    "problem_solving": "problem solve solution root cause tried approach",
    "debugging": "bug log logs reproduce root cause fix trace error",
    "system_design": "scale database cache queue service load design latency storage",
    "quality": "test tests review check bug quality",
    "motivation": "role team work interested excited learn grow",
    "career_goals": "career grow goal years learn role",
    "candidate_questions": "team role work",
}

_DOMAIN_WORDS = frozenset(
    stem(w)
    for w in [
        "team",
        "project",
        "customer",
        "client",
        "deadline",
        "code",
        "release",
        "manager",
        "colleague",
        "user",
        "users",
        "feature",
        "data",
        "system",
        "deliver",
        "delivered",
        "meeting",
        "work",
        "stakeholder",
        "design",
        "test",
        "bug",
        "deploy",
        "service",
        "product",
        "report",
        "students",
        "class",
        "plan",
        "process",
        "problem",
        "solution",
        "decision",
        "goal",
        "result",
        "task",
        "company",
        "role",
        "job",
        "launch",
        "budget",
        "quality",
    ]
)

_ACTION = re.compile(
    r"\bI\s+(?:then\s+|also\s+|first\s+|personally\s+|quickly\s+|eventually\s+|finally\s+|myself\s+)?"
    r"(?:[a-z]+ed|built|wrote|made|ran|led|set|took|drove|chose|spoke|met|found|began|sent|gave|went|did|"
    r"got|put|brought|sat|thought|told|kept|cut|split|rewrote|broke|caught|dug|held|taught|sought|drew|"
    r"won|paid|read|shipped|own|owned|fixed)\b"
)
_PLAN_ACTION = re.compile(
    r"\bI(?:'d|\s+would|'ll|\s+will|\s+should)\s+(?:first\s+|then\s+|also\s+)?"
    r"(?!say\b|rather\b|prefer\b|like\b|love\b|think\b|guess\b|imagine\b|hope\b|want\b|try\b|be\b|probably\b)"
    r"[a-z]+",
    _I,
)
_SITUATION = re.compile(
    r"\b(?:when\s+I\s+was|while\s+I\s+was|at\s+(?:my\s+)?(?:previous|last|current|former|first)\s+"
    r"(?:job|company|role|employer|team)|in\s+(?:19|20)\d\d|last\s+(?:year|month|quarter|week|spring|summer|"
    r"autumn|winter)|(?:a\s+few|two|three|several)\s+(?:years|months|weeks)\s+ago|we\s+were|our\s+team\s+was|"
    r"the\s+situation\s+was|the\s+context\s+was|back\s+then|at\s+the\s+time|one\s+time|there\s+was\s+a\s+time|"
    r"on\s+(?:a|one|the)\s+project|I\s+was\s+working|I\s+was\s+(?:a|an|the)\s+\w+)\b",
    _I,
)
_AT_ORG = re.compile(r"\b(?:At|at|in|for)\s+[A-Z][\w&.-]+")
_TASK = re.compile(
    r"\b(?:my\s+(?:goal|task|job|role|responsibility|aim|part)|I\s+was\s+(?:asked|responsible|tasked|in\s+charge|"
    r"hired|brought\s+in|assigned)|I\s+needed\s+to|I\s+had\s+to|we\s+needed\s+to|we\s+had\s+to|"
    r"the\s+(?:goal|task|aim|objective|challenge|problem|issue)\s+was|needed\s+to\s+be|responsible\s+for|"
    r"in\s+charge\s+of)\b",
    _I,
)
_RESULT = re.compile(
    r"\b(?:as\s+a\s+result|the\s+result|resulted|outcome|in\s+the\s+end|ended\s+up|which\s+meant|led\s+to|"
    r"this\s+meant|the\s+impact|reduc\w*|increas\w*|improv\w*|sav(?:ed|ing)|cut|grew|went\s+from|dropped|"
    r"fell|rose|halved|doubled|shipped|launched|delivered|achiev\w*|succeed\w*|success\w*|since\s+then|"
    r"from\s+then\s+on|afterwards|got\s+(?:promoted|adopted)|was\s+adopted|adopted)\b",
    _I,
)
_TRADEOFF = re.compile(
    r"\b(?:trade-?offs?|instead|alternatives?|versus|vs\.?|downsides?|drawbacks?|costs?|rather\s+than|pros|cons|"
    r"compared|on\s+the\s+other\s+hand|depends\s+on|at\s+the\s+expense|risk|risks|overhead|simpler|because)\b",
    _I,
)
_GENERIC = re.compile(
    r"\b(?:in\s+general|generally|usually|always|it\s+depends|various|stuff|things\s+like\s+that|etc|"
    r"and\s+so\s+on|team\s+player|hard\s+work(?:er|ing)?|best\s+practices?|I\s+think|kind\s+of|sort\s+of|"
    r"I\s+guess|I\s+(?:always\s+)?try\s+my\s+best|stay\s+flexible|keep\s+it\s+general|whatever|somehow|something\s+like\s+that|a\s+lot\s+of\s+things)\b",
    _I,
)
_EXPERIENTIAL = re.compile(
    r"\b(?:tell\s+me\s+about|describe\s+(?:a|an|one|the)|what\s+is\s+the\s+(?:hardest|most)|have\s+you|"
    r"your\s+cv|you\s+wrote|you\s+mention|walk\s+me\s+through\s+it|what\s+went\s+wrong|you\s+used|"
    r"your\s+own|did\s+you|were\s+you)\b",
    _I,
)
_I_WORDS = re.compile(r"\b(?:I|my|me|myself|I'm|I've|I'd)\b")
_WE_WORDS = re.compile(r"\b(?:we|our|us|ourselves|we're|we've|we'd)\b", _I)
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z0-9]+(?:\s+[A-Z][a-zA-Z0-9]+)*")


def infer_kind(question: str) -> QuestionKind:
    """The kind of a free-text question, when only its wording is known."""
    q = question.lower()
    if re.search(r"\b(?:why|motivat|appeal|career|looking for|what would you bring|interest)", q):
        return "motivation"
    if re.search(r"\b(?:tell me about a time|describe a time|give me an example|tell me about someone)", q):
        return "behavioural"
    if re.search(
        r"\b(?:what (?:would|do) you do|how would you (?:handle|respond|deal)|imagine|suppose|if you)", q
    ):
        return "situational"
    return "technical"


def _bounded(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


def analyse_answer(
    question: PlannedQuestion | str,
    answer: str,
    *,
    cv: CVParse | None = None,
    job: JobParse | None = None,
) -> AnswerAnalysis:
    """Measure one answer (pass the main answer joined with any follow-up answers to judge the whole)."""
    if isinstance(question, PlannedQuestion):
        return analyse_text(question.text, question.kind, question.competency, answer, cv=cv, job=job)
    return analyse_text(question, infer_kind(question), None, answer, cv=cv, job=job)


def analyse_text(
    question: str,
    kind: QuestionKind,
    competency: str | None,
    answer: str,
    *,
    cv: CVParse | None = None,
    job: JobParse | None = None,
) -> AnswerAnalysis:
    tokens = words(answer)
    injection = detect_injection(answer)
    if not tokens:
        return AnswerAnalysis(
            word_count=0,
            relevance=0.0,
            specificity=0.0,
            has_numbers=False,
            tools_named=[],
            star=dict.fromkeys(("situation", "task", "action", "result"), False),
            ownership=0.5,
            missing=[],
            injection=injection,
            vague=True,
        )

    tools = find_skills(answer)
    numbers = has_number(answer)
    relevance = _relevance(question, competency, answer, tools)
    actions = len(_ACTION.findall(answer))
    plans = len(_PLAN_ACTION.findall(answer))
    generic = len(_GENERIC.findall(answer))
    companies = [e.company for e in (cv.experience if cv else []) if e.company]
    situation = bool(
        _SITUATION.search(answer)
        or _AT_ORG.search(answer)
        or any(c.lower() in answer.lower() for c in companies)
    )
    star = {
        "situation": situation,
        "task": bool(_TASK.search(answer)),
        "action": actions > 0,
        "result": bool(_RESULT.search(answer)) or bool(re.search(r"\d\s*(?:%|x\b|percent)", answer)),
    }
    i_count, we_count = len(_I_WORDS.findall(answer)), len(_WE_WORDS.findall(answer))
    ownership = i_count / (i_count + we_count) if i_count + we_count else 0.5
    specificity = _specificity(answer, len(tokens), numbers, tools, actions + plans, generic)

    missing: list[str] = []
    experiential = kind == "behavioural" or (kind == "technical" and bool(_EXPERIENTIAL.search(question)))
    if experiential and not (situation or actions >= 2):
        missing.append("example")
    if experiential and ((ownership < 0.4 and we_count >= 2) or (situation and actions == 0)):
        missing.append("own_role")
    if specificity < 0.45 or (kind == "situational" and plans + actions < 2):
        missing.append("specifics")
    if experiential and not star["result"]:
        missing.append("result")
    if kind in ("technical", "situational") and not _TRADEOFF.search(answer) and len(tokens) < 250:
        missing.append("tradeoffs")
    if kind == "motivation" and not (actions or situation) and len(tokens) < 60:
        missing.append("example")
    ordered = [m for m in MISSING_ORDER if m in missing]
    vague = len(tokens) < 25 or specificity < 0.3 or (generic >= 2 and specificity < 0.5)
    return AnswerAnalysis(
        word_count=len(tokens),
        relevance=relevance,
        specificity=specificity,
        has_numbers=numbers,
        tools_named=tools,
        star=star,
        ownership=_bounded(ownership),
        missing=ordered,
        injection=injection,
        vague=vague,
    )


def _relevance(question: str, competency: str | None, answer: str, tools: list[str]) -> float:
    q_stems = content_stems(question, extra_stop=QUESTION_FRAME)
    lexicon = content_stems(COMPETENCY_WORDS.get(competency or "", ""))
    a_stems = content_stems(answer)
    overlap = len(q_stems & a_stems) + 0.5 * len((lexicon - q_stems) & a_stems)
    skill_overlap = len(set(find_skills(question)) & set(tools))
    target = max(2.0, min(6.0, len(q_stems) * 0.35))
    domain = len(a_stems & _DOMAIN_WORDS)
    score = 0.65 * min(1.0, (overlap + skill_overlap) / target) + 0.35 * min(1.0, domain / 4)
    return _bounded(score)


def _specificity(
    answer: str, n_words: int, numbers: bool, tools: list[str], actions: int, generic: int
) -> float:
    proper = {
        m.group(0)
        for sentence in sentences(answer)
        for m in _PROPER.finditer(sentence)
        if m.start() > 0 and m.group(0) not in {"I", "I'm", "I've", "I'd"}
    }
    score = (
        (0.25 if numbers else 0.0)
        + 0.1 * min(len(tools), 2)
        + 0.05 * min(len(proper), 3)
        + 0.08 * min(actions, 4)
        + (0.1 if n_words >= 60 else 0.0)
        - 0.05 * generic
    )
    if n_words < 20:
        score *= 0.4
    elif n_words < 40:
        score *= 0.7
    return _bounded(score)
