"""Reading a practitioner credential the way people write it (tools/data/credentials.yaml).

"L.M.T.", "Licensed Massage Therapist", "LMT (TX)", "PT, DPT, OCS", "BCTMB" and
"Doctor of Chiropractic" all name a practitioner CPG 167 allows (Medically Necessary 2).
A credential is read in three steps: titles (case-insensitive phrases) anywhere in the
field; then the rest split into tokens compared, without dots, spaces or hyphens, with
the known abbreviations; state codes, licence numbers and licence words are skipped.
Only a field whose every part is a known non-massage credential (or a student or trainee)
is NOT_QUALIFIED_PRACTITIONER; a part the tools cannot place makes an attention item for
the CQE instead (review-policy §4): a spelling must never deny a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from tools.case import Case
from tools.datafiles import load_model
from tools.determination import AttentionItem, attention_id
from tools.findings import Code, Finding


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Profession(_Data):
    """One profession: its abbreviations and written-out titles, with the source."""

    id: str = Field(pattern=r"^[a-z_]+$")
    label: str
    source: str = Field(min_length=1)
    abbreviations: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()


class Disqualifying(_Data):
    """Words that make a credential one not yet held (student, trainee)."""

    source: str = Field(min_length=1)
    patterns: tuple[str, ...]


class Ignored(_Data):
    """Parts of a field that name no profession."""

    source: str = Field(min_length=1)
    states: tuple[str, ...]
    words: tuple[str, ...]
    patterns: tuple[str, ...]


class CredentialsFile(_Data):
    """credentials.yaml."""

    about: str
    qualified: tuple[Profession, ...]
    not_qualified: tuple[Profession, ...]
    disqualifying: Disqualifying
    ignored: Ignored


@dataclass(frozen=True)
class _Compiled:
    titles: tuple[tuple[re.Pattern[str], Profession, bool], ...]
    abbreviations: dict[str, tuple[Profession, bool]]
    disqualifying: re.Pattern[str]
    states: frozenset[str]
    words: frozenset[str]
    ignored: tuple[re.Pattern[str], ...]


def _compact(token: str) -> str:
    return re.sub(r"[.\s\-]", "", token).upper()


@cache
def _rules() -> _Compiled:
    data = load_model("credentials.yaml", CredentialsFile)
    titles = []
    abbreviations: dict[str, tuple[Profession, bool]] = {}
    for qualified, professions in ((True, data.qualified), (False, data.not_qualified)):
        for profession in professions:
            for title in profession.titles:
                titles.append((re.compile(title, re.IGNORECASE), profession, qualified))
            for abbreviation in profession.abbreviations:
                key = _compact(abbreviation)
                if key in abbreviations:
                    raise ValueError(f"credentials.yaml: abbreviation {abbreviation!r} twice")
                abbreviations[key] = (profession, qualified)
    return _Compiled(
        tuple(titles),
        abbreviations,
        re.compile("|".join(data.disqualifying.patterns), re.IGNORECASE),
        frozenset(s.upper() for s in data.ignored.states),
        frozenset(w.upper() for w in data.ignored.words),
        tuple(re.compile(p, re.IGNORECASE) for p in data.ignored.patterns),
    )


_DOTTED = re.compile(r"\b(?:[A-Za-z]{1,2}\.\s?){2,}")
"""Dotted abbreviations ("L.M.T.", "L. Ac.", "D.C."), joined before splitting."""
_SPLIT = re.compile(r"[,/;&+|()\[\]{}:\s\-–—]+|\band\b", re.IGNORECASE)


@dataclass(frozen=True)
class CredentialReading:
    """What a credential field names: qualified and other professions, and what is unknown."""

    qualified: tuple[str, ...]
    not_qualified: tuple[str, ...]
    unknown: tuple[str, ...]
    disqualified_by: str | None

    @property
    def denies(self) -> bool:
        """Clearly not a practitioner who may provide therapeutic massage."""
        if self.disqualified_by is not None:
            return True
        return not self.qualified and bool(self.not_qualified) and not self.unknown

    @property
    def uncertain(self) -> bool:
        """Neither clearly qualified nor clearly not: the CQE must place it."""
        return not self.qualified and not self.denies


def read_credential(credential: str) -> CredentialReading:
    """Classify every part of a credential field."""
    rules = _rules()
    text = _DOTTED.sub(lambda m: m.group().replace(".", "").replace(" ", "") + " ", credential)
    qualified: list[str] = []
    not_qualified: list[str] = []
    for pattern, profession, ok in rules.titles:
        for match in pattern.finditer(text):
            (qualified if ok else not_qualified).append(profession.id)
            text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    unknown: list[str] = []
    tokens = [t for t in _SPLIT.split(text) if t and t.strip(".'\"")]
    states: list[str] = []
    for token in tokens:
        key = _compact(token)
        if not key:
            continue
        if key in rules.abbreviations:
            profession, ok = rules.abbreviations[key]
            (qualified if ok else not_qualified).append(profession.id)
        elif key in rules.states:
            states.append(token)
        elif key in rules.words or any(p.search(token) for p in rules.ignored):
            continue
        else:
            unknown.append(token)
    if states and not (qualified or not_qualified or unknown):
        unknown += states  # a state code alone ("PA") names nobody the tools can place
    disqualified = rules.disqualifying.search(credential)
    return CredentialReading(
        tuple(dict.fromkeys(qualified)),
        tuple(dict.fromkeys(not_qualified)),
        tuple(unknown),
        disqualified.group() if disqualified else None,
    )


def practitioner_findings(case: Case) -> list[Finding]:
    """NOT_QUALIFIED_PRACTITIONER only when the credential clearly cannot provide massage."""
    credential = case.practitioner.credential
    if not read_credential(credential).denies:
        return []
    return [
        Finding(
            code=Code.NOT_QUALIFIED_PRACTITIONER,
            detail=f"Credential {credential!r} is not one that may provide therapeutic "
            "massage (LMT, PT, DC, LAc, or MD/DO directing care).",
            evidence=f"practitioner.credential = {credential}",
            field="practitioner.credential",
            rule="documentation.credential",
            guideline_key="mn_practitioner",
        )
    ]


def practitioner_attention(case: Case) -> list[AttentionItem]:
    """An attention item for a credential the tools cannot place (review-policy §4)."""
    credential = case.practitioner.credential
    reading = read_credential(credential)
    if not reading.uncertain:
        return []
    field = "practitioner.credential"
    code = Code.NOT_QUALIFIED_PRACTITIONER
    unplaced = ", ".join(reading.unknown) or credential
    return [
        AttentionItem(
            id=attention_id(code, field, credential),
            item="qualified practitioner (LMT, PT, DC, LAc, MD/DO)",
            code=code,
            field=field,
            quote=credential,
            why=f"The credential part(s) {unplaced!r} are not ones the tools know; confirm "
            "whether the practitioner may provide therapeutic massage.",
            source="credential",
            guideline_key="mn_practitioner",
        )
    ]
