"""Planning an interview from a CV and a position: which questions, in which order, and why.

The plan runs warm-up, depth (CV claims and skills the position needs), gaps (requirements the CV does not
show, asked fairly), behavioural, motivation, then the closing "your questions for us". The closing slot
counts inside `question_count` and is planned only when "motivation" is among the allowed kinds.

Grounding: every name in a question comes from a placeholder filled from the documents; the bank's literal
text names no employer, technology or skill. Determinism: choices rotate by a hash of the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from candor.documents.schemas import CVParse, JobParse
from candor.interviewer.bank import Bank, BankQuestion, load_bank
from candor.interviewer.evidence import SOFT_SKILLS, Evidence, claim_quote, gather
from candor.interviewer.text import skills_in, stable_hash
from candor.interviewer.types import (
    Difficulty,
    InterviewOptions,
    InterviewPlan,
    PlannedQuestion,
    QuestionKind,
    Stage,
)

_LEVEL_BY_SENIORITY: dict[str, Difficulty] = {
    "intern": "junior",
    "junior": "junior",
    "mid": "mid",
    "senior": "senior",
    "lead": "lead",
    "principal": "lead",
}
_LEVELS: tuple[Difficulty, ...] = ("junior", "mid", "senior", "lead")
_ENTITY_KEYS = ("company", "title", "project", "skill", "requirement", "job_title", "job_company")
_STAGE_ORDER: dict[Stage, int] = {
    "warmup": 0,
    "depth": 1,
    "gap": 2,
    "behavioural": 3,
    "motivation": 4,
    "closing": 5,
}
T = TypeVar("T")

# Where spare slots go when a stage runs out of material, most useful first.
_OVERFLOW: tuple[Stage, ...] = ("behavioural", "depth", "gap", "motivation")


class PlanningError(ValueError):
    """The bank cannot supply enough questions for these options (a bank curation bug)."""


def difficulty_for(job: JobParse) -> Difficulty:
    return _LEVEL_BY_SENIORITY.get(job.seniority or "", "mid")


@dataclass(frozen=True)
class Context:
    """What one question rests on: placeholder values and the document snippets behind them."""

    key: str
    values: dict[str, str]
    rationale: str
    cv_snippet: str | None = None
    job_snippet: str | None = None
    family: str | None = None
    competency: str | None = None


@dataclass
class _Selection:
    chosen: list[tuple[BankQuestion, Context, str]] = field(default_factory=list)
    used_ids: set[str] = field(default_factory=set)
    used_texts: set[str] = field(default_factory=set)
    used_keys: set[str] = field(default_factory=set)

    def count(self, stage: Stage) -> int:
        return sum(1 for q, _, _ in self.chosen if q.stage == stage)


def plan_interview(cv: CVParse, job: JobParse, options: InterviewOptions) -> InterviewPlan:
    """A grounded, deterministic plan of exactly `options.question_count` questions of the allowed kinds."""
    bank = load_bank()
    difficulty = options.difficulty or difficulty_for(job)
    ev = gather(cv, job, bank)
    seed = stable_hash(cv.model_dump_json(), job.model_dump_json(), options.model_dump_json())
    kinds = set(options.kinds)
    planner = _Planner(bank, ev, cv, job, difficulty, kinds, seed)

    closing = 1 if "motivation" in kinds else 0
    n_main = options.question_count - closing
    quotas = _quotas(n_main)
    selection = _Selection()
    for relax in range(3):
        pools = planner.pools(relax)
        for stage in ("warmup", "depth", "gap", "behavioural", "motivation"):
            planner.take(selection, pools[stage], quotas[stage] - selection.count(stage))
        for stage in _OVERFLOW:
            planner.take(selection, pools[stage], n_main - len(selection.chosen))
        if len(selection.chosen) >= n_main:
            break
    if len(selection.chosen) < n_main:
        raise PlanningError(
            f"only {len(selection.chosen)} of {n_main} questions available for {sorted(kinds)}"
        )
    if closing:
        planner.take(selection, planner.closing_pool(), 1)

    ordered = sorted(enumerate(selection.chosen), key=lambda t: (_STAGE_ORDER[t[1][0].stage], t[0]))
    questions = [
        _planned(number, bank_q, ctx, text)
        for number, (_, (bank_q, ctx, text)) in enumerate(ordered, start=1)
    ]
    return InterviewPlan(questions=questions, difficulty=difficulty, bank_version=bank.version)


def _quotas(n_main: int) -> dict[Stage, int]:
    warmup = 1 if n_main >= 4 else 0
    motivation = (1 if n_main >= 5 else 0) + (1 if n_main >= 12 else 0)
    rest = n_main - warmup - motivation
    gap = 0 if rest < 3 else max(1, round(rest * 0.2))
    depth = round(rest * 0.45)
    return {
        "warmup": warmup,
        "depth": depth,
        "gap": gap,
        "behavioural": rest - depth - gap,
        "motivation": motivation,
        "closing": 0,
    }


def _planned(number: int, bank_q: BankQuestion, ctx: Context, text: str) -> PlannedQuestion:
    entities = [ctx.values[k] for k in _ENTITY_KEYS if k in ctx.values and ctx.values[k] in text]
    for skill in skills_in(text):
        if not any(skill.lower() == e.lower() for e in entities):
            entities.append(skill)
    cv_snippet = ctx.cv_snippet
    # A related CV skill, or the latest role, is what a question rests on only when the question names it.
    if ctx.key.startswith("gap:") and "skill" not in bank_q.placeholders:
        cv_snippet = None
    if ctx.key == "warmup" and "title" not in bank_q.placeholders:
        cv_snippet = None
    return PlannedQuestion(
        id=f"q{number:02d}",
        number=number,
        stage=bank_q.stage,
        kind=bank_q.kind,
        competency=ctx.competency or bank_q.competency,
        text=text,
        rationale=ctx.rationale,
        cv_snippet=cv_snippet,
        job_snippet=ctx.job_snippet,
        bank_id=bank_q.id,
        entities=list(dict.fromkeys(entities)),
    )


class _Planner:
    def __init__(
        self,
        bank: Bank,
        ev: Evidence,
        cv: CVParse,
        job: JobParse,
        difficulty: Difficulty,
        kinds: set[QuestionKind],
        seed: int,
    ) -> None:
        self.bank, self.ev, self.cv, self.job = bank, ev, cv, job
        self.difficulty, self.kinds, self.seed = difficulty, kinds, seed
        self.base: dict[str, str] = {}
        if job.title:
            self.base["job_title"] = job.title.strip()
        if job.company:
            self.base["job_company"] = job.company.strip()
        skills = [*ev.required, *ev.nice_to_have, *ev.cv_skills.values()]
        self.families = {f for s in skills if (f := bank.family_of(s))}

    # -- choosing -------------------------------------------------------------------------------------

    def _templates(self, stage: Stage, relax: int) -> list[BankQuestion]:
        allowed_levels = set(_LEVELS) if relax >= 1 else {self.difficulty}
        out = []
        for q in self.bank.questions:
            if q.stage != stage or q.kind not in self.kinds or not allowed_levels & set(q.levels):
                continue
            if q.family == "software" and not self.ev.software and relax < 2:
                continue
            out.append(q)
        return out

    def _options(self, templates: list[BankQuestion], ctx: Context) -> list[BankQuestion]:
        """Templates this context can fill, best fitting family first, rotated by the seed."""
        keys, required = set(ctx.values), _required(ctx)
        fits = [q for q in templates if q.placeholders <= keys and q.placeholders >= required]
        if ctx.competency is not None:
            fits = [q for q in fits if q.competency == ctx.competency]
        h = stable_hash(str(self.seed), ctx.key)
        if ctx.key == "warmup":
            # The most specific opener that can be filled, preferring the candidate's own story.
            return sorted(fits, key=lambda q: (-len(q.placeholders), q.kind != "behavioural"))
        if ctx.family is not None:
            own = [q for q in fits if q.family == ctx.family]
            return _rotate(own, h) + _rotate([q for q in fits if q.family is None], h)
        fits = [q for q in fits if q.family is None or q.family == "software" or self._family_ok(q.family)]
        return _rotate(fits, h)

    def _family_ok(self, family: str) -> bool:
        return family in self.families

    def take(self, sel: _Selection, pool: list[tuple[Context, list[BankQuestion]]], wanted: int) -> None:
        for ctx, options in pool:
            if wanted <= 0:
                return
            if ctx.key in sel.used_keys:
                continue
            for q in options:
                text = q.fill(ctx.values)
                if q.id in sel.used_ids or text in sel.used_texts:
                    continue
                sel.chosen.append((q, ctx, text))
                sel.used_ids.add(q.id)
                sel.used_texts.add(text)
                sel.used_keys.add(ctx.key)
                wanted -= 1
                break

    # -- pools ----------------------------------------------------------------------------------------

    def pools(self, relax: int) -> dict[Stage, list[tuple[Context, list[BankQuestion]]]]:
        stages: dict[Stage, list[Context]] = {
            "warmup": self._warmup_contexts(),
            "depth": self._depth_contexts(),
            "gap": self._gap_contexts(),
            "behavioural": self._behavioural_contexts(relax),
            "motivation": self._motivation_contexts(),
        }
        pools: dict[Stage, list[tuple[Context, list[BankQuestion]]]] = {}
        for stage, contexts in stages.items():
            templates = self._templates(stage, relax)
            pools[stage] = [(ctx, opts) for ctx in contexts if (opts := self._options(templates, ctx))]
        return pools

    def closing_pool(self) -> list[tuple[Context, list[BankQuestion]]]:
        ctx = Context(
            "closing", dict(self.base), "Gives the candidate time for their own questions; not scored."
        )
        templates = [q for q in self.bank.questions if q.stage == "closing"]
        fits = [q for q in templates if q.placeholders <= set(ctx.values)]
        fits.sort(key=lambda q: -len(q.placeholders))  # the most specific wording that can be filled
        return [(ctx, fits)]

    def _warmup_contexts(self) -> list[Context]:
        values = dict(self.base)
        cv_snippet = None
        recent = next((e for e in self.cv.experience if e.company and e.title), None)
        if recent is not None and recent.company and recent.title:
            values.update(company=recent.company, title=recent.title)
            cv_snippet = recent.title
        if self.ev.matched:
            values["skill"] = self.ev.matched[0]
        rationale = "Opens with familiar ground: the candidate's own background, before the harder questions."
        return [Context("warmup", values, rationale, cv_snippet=cv_snippet, job_snippet=self.job.title)]

    def _depth_contexts(self) -> list[Context]:
        ev, out = self.ev, []
        for claim in ev.claims[:8]:
            values = dict(self.base, claim=claim_quote(claim.sentence))
            if claim.company:
                values["company"] = claim.company
            if claim.title:
                values["title"] = claim.title
            job_skill = next((s for s in claim.skills if s in ev.required or s in ev.nice_to_have), None)
            if claim.skills:
                values["skill"] = job_skill or claim.skills[0]
            where = f" at {claim.company}" if claim.company else ""
            why = f"Verifies a CV claim{where}: the candidate's own part, the decisions and the result"
            if job_skill:
                why += f"; it is evidence for {job_skill}, which the position asks for"
            out.append(
                Context(
                    f"claim:{claim.sentence}",
                    values,
                    why + ".",
                    cv_snippet=claim.sentence,
                    job_snippet=ev.job_line_for(job_skill) if job_skill else None,
                )
            )
        for skill in ev.matched:
            out.append(
                self._skill_context(skill, "The position asks for {skill} and the CV shows it; probes depth.")
            )
        for project in ev.projects:
            values = dict(self.base, project=project)
            skills = skills_in(project)
            if skills:
                values["skill"] = skills[0]
            source = next((p for p in self.cv.projects if project in p), project)
            out.append(
                Context(f"project:{project}", values, "Explores a project the CV lists.", cv_snippet=source)
            )
        if not ev.matched:
            for skill in list(ev.cv_skills.values())[:3]:
                if skill not in SOFT_SKILLS:
                    out.append(
                        self._skill_context(skill, "A skill the CV lists; no direct match in the position.")
                    )
        why = "A core technical or working-practice question for the position."
        out += [Context(f"generic:{i}", dict(self.base), why) for i in range(25)]
        return out

    def _skill_context(self, skill: str, why: str) -> Context:
        values = dict(self.base, skill=skill)
        found = self.ev.cv_line_for(skill)
        cv_snippet = found[0] if found else self.ev.cv_skills.get(skill.lower(), skill)
        family = self.bank.family_of(skill)
        return Context(
            f"skill:{skill}",
            values,
            why.format(skill=skill),
            cv_snippet=cv_snippet,
            job_snippet=self.ev.job_line_for(skill) or (skill if skill in self.ev.required else None),
            family=family or "general",
        )

    def _gap_contexts(self) -> list[Context]:
        ev, out = self.ev, []
        for skill, importance in [
            *((s, "requires") for s in ev.missing_required),
            *((s, "would like") for s in ev.missing_nice),
        ]:
            values = dict(self.base, requirement=skill)
            family = self.bank.family_of(skill)
            related = next(
                (s for s in ev.cv_skills.values() if family and self.bank.family_of(s) == family), None
            )
            if related and related.lower() != skill.lower():
                values["skill"] = related
            why = f"The position {importance} {skill}, which the CV does not show; asked fairly, as exposure."
            found = ev.cv_line_for(related) if related else None
            out.append(
                Context(
                    f"gap:{skill}",
                    values,
                    why,
                    cv_snippet=found[0] if found else related,
                    job_snippet=ev.job_line_for(skill) or skill,
                )
            )
        for duty in ev.unshown_duties:
            values = dict(self.base, duty=_duty_phrase(duty))
            why = "A responsibility of the position that the CV does not obviously cover."
            out.append(Context(f"duty:{duty}", values, why, job_snippet=duty))
        return out

    def _behavioural_contexts(self, relax: int) -> list[Context]:
        out = []
        cue_competencies = {cue.competency for cue in self.ev.cues}
        for cue in self.ev.cues:
            why = f"The position's wording asks for {cue.competency.replace('_', ' ')}."
            cv_line = self._cv_line_for_competency(cue.competency)
            out.append(
                Context(
                    f"comp:{cue.competency}",
                    dict(self.base),
                    why,
                    cv_snippet=cv_line,
                    job_snippet=cue.job_line,
                    competency=cue.competency,
                )
            )
        level_comps = sorted({q.competency for q in self._templates("behavioural", relax)} - cue_competencies)
        level_comps = _rotate(level_comps, stable_hash(str(self.seed), "competencies"))
        for competency in level_comps:
            why = f"A {competency.replace('_', ' ')} question expected at {self.difficulty} level."
            cv_line = self._cv_line_for_competency(competency)
            out.append(
                Context(f"comp:{competency}", dict(self.base), why, cv_snippet=cv_line, competency=competency)
            )
        # A second question on the same competencies, for long interviews.
        out += [
            Context(c.key + ":2", c.values, c.rationale, c.cv_snippet, c.job_snippet, None, c.competency)
            for c in list(out)
        ]
        return out

    def _cv_line_for_competency(self, competency: str) -> str | None:
        pattern = {
            "leadership": ("led ", "lead "),
            "mentoring": ("mentor", "coach"),
            "collaboration": ("collaborat", "worked closely"),
        }.get(competency)
        if not pattern:
            return None
        return next((s for s, _ in self.ev.cv_sentences if any(p in s.lower() for p in pattern)), None)

    def _motivation_contexts(self) -> list[Context]:
        why = "Motivation and fit with the position."
        return [
            Context(f"motivation:{i}", dict(self.base), why, job_snippet=self.job.title) for i in range(20)
        ]


def _required(ctx: Context) -> frozenset[str]:
    """Placeholders a template must use for this context: the ones that make it this context's question."""
    for key in ("claim", "duty", "requirement", "project", "skill"):
        if key in ctx.values and ctx.key.startswith(("claim:", "duty:", "gap:", "project:", "skill:")):
            return frozenset({key})
    return frozenset()


def _duty_phrase(duty: str) -> str:
    text = duty.strip().rstrip(".")
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return text


def _rotate(items: list[T], h: int) -> list[T]:
    if not items:
        return []
    k = h % len(items)
    return items[k:] + items[:k]
