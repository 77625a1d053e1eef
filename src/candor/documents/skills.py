"""The skills vocabulary: canonical names with their aliases, so "k8s" and "Kubernetes" are one skill.

The vocabulary lives in `data/skills.toml`: each key is a canonical name, its value the aliases (matched
case-insensitively, on word boundaries). Names not in the vocabulary are kept as written, tidied.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "skills.toml"


@dataclass(frozen=True)
class Vocabulary:
    by_alias: dict[str, str]
    pattern: re.Pattern[str]


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


@cache
def vocabulary() -> Vocabulary:
    raw = tomllib.loads(_DATA.read_text(encoding="utf-8"))["skills"]
    by_alias: dict[str, str] = {}
    for canonical, aliases in raw.items():
        for alias in [canonical, *aliases]:
            by_alias.setdefault(_key(alias), canonical)
    # Longest aliases first so "Google Cloud Platform" wins over "Google Cloud".
    alternatives = sorted(by_alias, key=len, reverse=True)
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alternatives)
    # A skill is bounded by something that is not part of a word; "+", "#" and "." belong to names
    # such as C++, C# and Node.js, so they are not treated as boundaries after the match.
    pattern = re.compile(rf"(?<![\w+#.\-/])(?:{body})(?![\w+#]|\.\w)", re.IGNORECASE)
    return Vocabulary(by_alias, pattern)


def canonical_skill(name: str) -> str:
    """The canonical name for a known skill, else the name tidied (spacing and outer punctuation)."""
    tidy = re.sub(r"\s+", " ", name).strip(" \t,;:•·-–—")
    return vocabulary().by_alias.get(_key(tidy), tidy)


def is_known_skill(name: str) -> bool:
    return _key(name) in vocabulary().by_alias


@cache
def _aliases_in_order() -> tuple[str, ...]:
    return tuple(sorted(vocabulary().by_alias))


def could_start_skill(text: str) -> bool:
    """Whether some skill's name begins with `text` (case and spacing aside): "Kuber", "google cloud",
    "R". For text still arriving, to know whether its end may yet become a skill's name."""
    fragment = _key(text)
    aliases = _aliases_in_order()
    at = bisect_left(aliases, fragment)
    return bool(fragment) and at < len(aliases) and aliases[at].startswith(fragment)


def named_skills(text: str) -> list[str]:
    """Like `find_skills`, but only mentions written as names: with a capital, a digit or a symbol
    ("Kubernetes", "node.js", "C++", "REST"), not plain lowercase words ("the rest", "react to",
    "leadership"), which in running prose are more often ordinary words than skills."""
    vocab = vocabulary()
    seen: dict[str, None] = {}
    for match in vocab.pattern.finditer(text):
        written = match.group(0)
        if written.islower() and written.replace(" ", "").isalpha():
            continue
        canonical = vocab.by_alias.get(_key(written))
        if canonical:
            seen.setdefault(canonical, None)
    return list(seen)


def find_skills(text: str) -> list[str]:
    """Canonical skills mentioned anywhere in free text, in order of first mention, without repeats."""
    return list(_find_skills(text))


@lru_cache(maxsize=4096)
def _find_skills(text: str) -> tuple[str, ...]:
    # Cached: the interviewer reads the same question texts turn after turn, and the pattern is costly.
    vocab = vocabulary()
    seen: dict[str, None] = {}
    for match in vocab.pattern.finditer(text):
        canonical = vocab.by_alias.get(_key(match.group(0)))
        if canonical:
            seen.setdefault(canonical, None)
    return tuple(seen)
