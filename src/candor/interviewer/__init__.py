"""The built-in offline interviewer: pure, deterministic functions over a parsed CV and position.

No network and no models: planning, follow-ups, acknowledgements and scoring all run from a curated
question bank and explainable text measures, so Candor can interview with no provider configured.
"""

from candor.interviewer.acknowledgements import acknowledge, closing_message, opening_message
from candor.interviewer.analysis import analyse_answer
from candor.interviewer.followups import choose_follow_up, clarify
from candor.interviewer.injection import detect_injection
from candor.interviewer.planner import PlanningError, plan_interview
from candor.interviewer.scoring import assess
from candor.interviewer.types import (
    ENGINE_VERSION,
    AnswerAnalysis,
    AnswerAssessment,
    AnswerScore,
    Assessment,
    Difficulty,
    InterviewOptions,
    InterviewPlan,
    PlannedQuestion,
    QuestionKind,
    Stage,
    TurnRecord,
)

__all__ = [
    "ENGINE_VERSION",
    "AnswerAnalysis",
    "AnswerAssessment",
    "AnswerScore",
    "Assessment",
    "Difficulty",
    "InterviewOptions",
    "InterviewPlan",
    "PlannedQuestion",
    "PlanningError",
    "QuestionKind",
    "Stage",
    "TurnRecord",
    "acknowledge",
    "analyse_answer",
    "assess",
    "choose_follow_up",
    "clarify",
    "closing_message",
    "detect_injection",
    "opening_message",
    "plan_interview",
]
