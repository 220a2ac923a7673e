"""Long records for the notes-size benchmark: realistic ones, and stress ones that no
practitioner writes but an upload may hold.

The target (a 1 MB case reviewed by the rules in under 2 s) is for notes: the gold
cases' free texts one after another, with and without repeated sentences. The stress
records show how the same linear readers behave where every sentence is work for them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from corpus.sources import default_sources_dir
from evals.gold import load_gold_cases
from tools.screening.rules import rule_set

CONTEXT_WORDS = (
    "denies", "no", "hx of", "history of", "mother had", "if", "possible", "rule out",
    "cleared for massage by PCP", "resolved", "in 2015", "oncologist aware",
    "light pressure only", "but", "however", "reports", "new onset", "not cleared",
    "BP 150/95", "temp 101.2 F", "lost 15 lb in 2 months", "8/3 IE:", "Wt 180 lb",
    "10/2025", "3/4/2026", "pain 7/10", "today",
)  # fmt: skip
"""Modifiers, clearances and readings the dense record mixes with the rules' terms."""


def notes_of_size(size: int) -> str:
    """`size` characters of realistic notes: the gold cases' free texts, one per line."""
    texts = [
        text
        for gold in load_gold_cases()
        for text in (gold.case.subjective, gold.case.objective, gold.case.notes)
        if text.strip()
    ]
    lines: list[str] = []
    total = 0
    while total < size:
        lines.append(texts[len(lines) % len(texts)])
        total += len(lines[-1]) + 1
    return "\n".join(lines)[:size]


def without_repeats(text: str) -> str:
    """The same notes with every sentence made unique (a visit number before each full
    stop): long records repeat sentences, and a repeat is read once, so this is the
    record that gains nothing from that."""
    numbers = iter(range(len(text)))
    return re.sub(r"\.(\s)", lambda m: f" #{next(numbers)}.{m.group(1)}", text)[: len(text)]


def _terms() -> list[str]:
    return sorted({t for rule in rule_set().rules for t in rule.entry.terms + rule.entry.cased})


def dense_terms(size: int, rng: random.Random) -> str:
    """Every sentence three flag terms and three modifiers: ConText reads all of them."""
    terms, sentences, total = _terms(), [], 0
    while total < size:
        words = rng.sample(terms, 3) + rng.sample(CONTEXT_WORDS, 3)
        rng.shuffle(words)
        sentences.append(" ".join(words) + f" #{len(sentences)}. ")
        total += len(sentences[-1])
    return "".join(sentences)[:size]


def one_sentence(size: int, rng: random.Random) -> str:
    """Terms and modifiers with no full stop at all: one sentence as long as the limit."""
    words = rng.choices([*_terms(), *CONTEXT_WORDS, "and", "the", "with"], k=size // 6)
    return " ".join(words)[:size]


def dated_vitals(size: int, rng: random.Random) -> str:
    """A flowsheet export: every line a date mark, blood pressure, pulse, temperature,
    weight, full date and pain score, so every number reader reads every line."""
    lines, total = [], 0
    while total < size:
        r = rng.randint
        line = (
            f"{r(1, 12)}/{r(1, 28)} BP {r(90, 200)}/{r(50, 120)}, pulse {r(50, 140)}, "
            f"temp {rng.uniform(96, 104):.1f}, wt {r(90, 300)} lb, "
            f"{r(1, 12)}/{r(1, 28)}/20{r(10, 26)} pain {r(0, 10)}/10 #{len(lines)}.\n"
        )
        lines.append(line)
        total += len(line)
    return "".join(lines)[:size]


def guideline_text(size: int, rng: random.Random) -> str:
    """The guideline's own raw text, over and over, no sentence repeated: prose full of
    the rules' vocabulary that is not a patient's record."""
    raw = next(default_sources_dir().glob("*.txt")).read_text(encoding="utf-8")
    return without_repeats((raw + "\n") * (size // len(raw) + 1))[:size]


def unicode_noise(size: int, rng: random.Random) -> str:
    """Random letters, digits of other scripts, dotted and dotless i, long s, emoji."""
    alphabet = "abcdefghijklmnopqrstuvwxyzİıſ٣ ١٢.,;:()-/\n\t é ü 東京 😀"
    return "".join(rng.choices(alphabet, k=size))


STRESS: dict[str, Callable[[int, random.Random], str]] = {
    "guideline text": guideline_text,
    "dense terms and modifiers": dense_terms,
    "one sentence": one_sentence,
    "dated vitals": dated_vitals,
    "unicode noise": unicode_noise,
}
"""Stress records by name."""


def stress_records(size: int, seed: int = 7) -> dict[str, str]:
    """Each stress record, `size` characters long."""
    return {name: make(size, random.Random(seed)) for name, make in STRESS.items()}
