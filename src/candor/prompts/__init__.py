"""Prompts are files, versioned: each starts with a `version:` line that is stored on what it produced."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

_here = Path(__file__).parent


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    text: str

    def render(self, **values: str) -> str:
        return self.text.format(**values)


@cache
def load_prompt(name: str) -> Prompt:
    raw = (_here / f"{name}.md").read_text(encoding="utf-8")
    header, _, body = raw.partition("\n---\n")
    fields = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
    return Prompt(name, fields["version"].strip(), body.strip())
