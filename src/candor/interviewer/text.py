"""Small text helpers shared by planning, analysis and scoring: words, stems, sentences, excerpts."""

from __future__ import annotations

import hashlib
import re
from functools import cache

from candor.documents.skills import find_skills

_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9'+#.\-/]*[A-Za-zÀ-ÿ0-9+#]|[A-Za-zÀ-ÿ]")
# A sentence ends at . ! or ? (and any closing quote) before a space and a capital, digit or quote; or at a
# line break. "Node.js" and "e.g. this" do not end one.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s+[\"'“‘(]*[A-Z0-9])|\n")
_TRAILING_FILLER = frozenset(
    [
        "and",
        "or",
        "but",
        "the",
        "a",
        "an",
        "to",
        "of",
        "with",
        "for",
        "in",
        "on",
        "at",
        "by",
        "that",
        "which",
        "as",
        "so",
    ]
)
_NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|billion|half|double|twice|tenfold|dozen)\b",
    re.IGNORECASE,
)

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "like",
        "made",
        "make",
        "many",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "often",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "per",
        "quite",
        "rather",
        "really",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "was",
        "we",
        "we'd",
        "we're",
        "we've",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "you",
        "you'd",
        "you're",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "one",
        "ones",
        "thing",
        "things",
        "something",
        "way",
        "ways",
        "lot",
        "lots",
        "kind",
        "sort",
        "bit",
        "well",
        "still",
        "yet",
    ]
)

# Words that frame a question rather than say what it is about.
QUESTION_FRAME = frozenset(
    [
        "tell",
        "time",
        "describe",
        "walk",
        "through",
        "give",
        "example",
        "share",
        "talk",
        "explain",
        "think",
        "say",
        "said",
        "says",
        "mention",
        "mentions",
        "mentioned",
        "cv",
        "role",
        "position",
        "happened",
        "happen",
        "approach",
        "go",
        "went",
        "going",
        "know",
        "want",
        "wanted",
        "look",
        "looking",
        "start",
        "begin",
        "begins",
        "started",
        "could",
        "would",
        "should",
        "please",
        "us",
        "me",
        "question",
        "questions",
        "specific",
        "specifically",
    ]
)

_ENGLISH_HINTS = frozenset(
    [
        "the",
        "and",
        "to",
        "of",
        "in",
        "with",
        "for",
        "on",
        "is",
        "are",
        "be",
        "as",
        "by",
        "an",
        "or",
        "from",
        "that",
        "this",
        "your",
        "our",
        "will",
        "you",
        "we",
    ]
)


def words(text: str) -> list[str]:
    """Lower-cased words, keeping the punctuation that belongs to names (C++, Node.js, CI/CD)."""
    return [w.lower().strip(".'-/") for w in _WORD.findall(text) if w.strip(".'-/")]


@cache
def stem(word: str) -> str:
    """A crude, deterministic stem: enough to match "designed", "designing" and "design"."""
    w = word.lower()
    for suffix in (
        "ational",
        "ations",
        "ation",
        "ments",
        "ment",
        "ness",
        "ings",
        "ing",
        "ies",
        "ied",
        "ers",
        "er",
        "ed",
        "ly",
        "es",
        "s",
    ):
        if len(w) - len(suffix) >= 4 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    return w[:7]


def content_stems(text: str, *, extra_stop: frozenset[str] = frozenset()) -> set[str]:
    return {
        stem(w)
        for w in words(text)
        if len(w) > 2 and w not in STOPWORDS and w not in extra_stop and not w.isdigit()
    }


@cache
def skills_in(text: str) -> tuple[str, ...]:
    """`find_skills`, remembered: planning asks about the same document lines many times."""
    return tuple(find_skills(text))


def has_number(text: str) -> bool:
    return _NUMBER.search(text) is not None


def sentences(text: str) -> list[str]:
    """Sentences as verbatim substrings of `text`, stripped of surrounding whitespace."""
    out, start = [], 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.end() if match else len(text)
        piece = text[start:end].strip()
        if piece and any(c.isalnum() for c in piece):
            out.append(piece)
        start = end
    return out


def excerpt(sentence: str, max_words: int = 14) -> str:
    """A verbatim prefix of `sentence` of at most `max_words` words, without trailing punctuation."""
    spans = [m.span() for m in re.finditer(r"\S+", sentence)]
    if not spans:
        return ""
    count = min(len(spans), max_words)
    # Don't stop on a dangling "and" or "the" when the excerpt is cut short.
    while (
        count > 3
        and count < len(spans)
        and sentence[slice(*spans[count - 1])].lower().strip(",;:") in _TRAILING_FILLER
    ):
        count -= 1
    return sentence[: spans[count - 1][1]].rstrip(" ,;:.!?-–—\"'“”")


def looks_english(text: str) -> bool:
    tokens = words(text)
    if not tokens:
        return False
    hits = sum(1 for t in tokens if t in _ENGLISH_HINTS)
    return hits / len(tokens) >= 0.08 or (len(tokens) <= 4 and text.isascii())


def stable_hash(*parts: str) -> int:
    """A hash that does not change between runs (unlike `hash`, which Python salts per process)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")
