"""The model's side of the assessment prompts, for the fake OpenAI server: graders that read the answer
Candor sent (between its `<<<` and `>>>` delimiters) and reply with rubric JSON that quotes it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from tests.fakes.openai_server import Compute, Reply

DIMENSIONS = ("relevance", "depth", "structure", "communication", "role_fit")
Grader = Callable[[str, list[dict[str, str]]], dict[str, Any]]


def answer_in(messages: list[dict[str, str]]) -> str:
    """The answer Candor sent, from between its data delimiters."""
    match = re.search(r"<<<\n(.*)\n>>>", messages[1]["content"], re.DOTALL)
    assert match is not None, "the answer is sent between <<< and >>>"
    return match.group(1)


def fair(answer: str, _: list[dict[str, str]]) -> dict[str, Any]:
    """A grader that reads the answer: long answers with numbers score high, and it quotes the answer."""
    quote = " ".join(answer.split()[:8])
    score = 5 if re.search(r"\d", answer) else 2
    reply: dict[str, Any] = {
        d: {"score": score, "reason": f"the {d} is {'strong' if score > 3 else 'thin'}", "quote": quote}
        for d in DIMENSIONS
    }
    reply["better_answer"] = "Describe one real occasion, what you did yourself and [the result]."
    return reply


def grading(grader: Grader, *, recheck: dict[str, Any] | None = None) -> Compute:
    """Answer assessment requests (JSON mode) with the grader; a re-check with `recheck`."""

    def decide(body: dict[str, Any]) -> Reply:
        messages = body["messages"]
        if body.get("response_format") != {"type": "json_object"}:
            return Reply("Thanks. Could you tell me more about that?")
        if len(messages) > 2 and "Before a score of 1/5 stands" in messages[-1]["content"]:
            return Reply(json.dumps(recheck or {}), tokens_in=300, tokens_out=40)
        return Reply(json.dumps(grader(answer_in(messages), messages)), tokens_in=900, tokens_out=200)

    return Compute(decide)
