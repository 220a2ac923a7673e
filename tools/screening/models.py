"""The shape of the screening data files (tools/data/screening/*.yaml), as pydantic models.

Every model forbids unknown keys and every entry's code and section are checked against
the finding vocabulary and the guideline section keys, so a typo in a rule file fails at
load time instead of silently switching a check off (design principle 2).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tools.findings import Code
from tools.sections import section_anchors

Persistence = Literal["current", "chronic", "history"]
"""How long a mention counts: `current` only while not past or resolved (contraindications);
`chronic` a lasting condition that "history of" does not end, only "resolved" does;
`history` counts even when past or resolved (CPG 167 "Past or Current History")."""

ContextName = Literal[
    "negated",
    "hypothetical",
    "intentional",
    "other_person",
    "historical",
    "resolved",
    "stopped",
    "addressed",
    "modified",
]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermSet(_Data):
    """Literal phrases (case-insensitive), cased abbreviations, and raw regexes."""

    terms: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


class Entry(_Data):
    """One item of a guideline list: what text raises it, and which finding it raises."""

    id: str = Field(pattern=r"^[a-z_]+(\.[a-z0-9_]+)+$")
    label: str = Field(min_length=1, description="Readable name used in the finding's detail")
    code: Code
    section: str = Field(description="Key of tools/data/guideline_sections.yaml")
    terms: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    terms_from: tuple[str, ...] = Field(default=(), description="Reuse other entries' terms")
    exclude: tuple[str, ...] = Field(default=(), description="Regexes whose spans are no match")
    readings: tuple[str, ...] = Field(default=(), description="Numeric reading kinds that match")
    unless_readings: tuple[str, ...] = Field(
        default=(), description="A reading of these kinds in the same sentence cancels a match"
    )
    unless_terms: tuple[str, ...] = Field(
        default=(), description="Phrases anywhere in the same field that cancel every match"
    )
    persistence: Persistence = "current"
    experiencer: Literal["member", "other", "any"] = Field(
        default="member",
        description="Whose condition it is: the member's, another person's (family history), "
        "or either (signs of abuse name the other person who causes them)",
    )
    addressed_code: Code | None = Field(
        default=None, description="Code raised instead when the record shows it was addressed"
    )
    addressed_by: tuple[str, ...] = Field(
        default=(), description="Who or what, named in a clearance sentence, addresses it"
    )
    modification_addresses: bool = Field(
        default=False,
        description="A documented modification of technique in its sentence addresses it",
    )
    only_with_addressed: str | None = Field(
        default=None, description="Raised exactly when that entry is raised as addressed"
    )
    subsumed_by: tuple[str, ...] = Field(
        default=(),
        description="Entries that, raised in the same case, already cover this one "
        "(which list wins: active cancer at the site over a history of cancer)",
    )
    near_treated_region: bool = False
    kinds: dict[str, tuple[str, ...]] = Field(
        default={},
        description="What the finding names when one of these terms matched (a drug "
        "class: 'antiplatelet therapy' for ticagrelor under anticoagulant therapy)",
    )
    same_condition: bool = False
    unless_therapeutic_purpose: bool = False
    fields: tuple[str, ...] = ("clinical",)
    submission: Literal["initial", "continuation"] | None = None
    detail: str | None = None
    addressed_detail: str | None = None
    why: str = Field(default="", description="The judgement behind the entry, for reviewers")

    @field_validator("section")
    @classmethod
    def _known_section(cls, value: str) -> str:
        if value not in section_anchors():
            raise ValueError(f"unknown guideline section key {value!r}")
        return value


class RuleList(_Data):
    """One list of the guideline (e.g. 'Present Complaint'), with its detail templates."""

    heading: str
    elsewhere: Literal["count", "skip"] | None = Field(
        default=None,
        description="Local lists: a mention whose sentence names a site away from the "
        "treated regions is still counted with the site said to be elsewhere ('count', "
        "absolute: review-policy §1) or not counted ('skip', relative)",
    )
    detail: str
    addressed_detail: str | None = None
    entries: tuple[Entry, ...]


class Modality(_Data):
    """How the plan shows it uses a modality: CPT codes, or words in the named fields."""

    name: str
    cpt: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    fields: tuple[str, ...] = ("plan.purpose", "notes")


class TherapeuticPurpose(_Data):
    """One of the five purposes of CPG 167 Medically Necessary 1, with its synonyms."""

    id: str
    label: str
    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


class RuleFile(_Data):
    """A data file of rule lists; modality files also say when they apply."""

    about: str
    modality: Modality | None = None
    therapeutic: tuple[TherapeuticPurpose, ...] = ()
    same_condition: TermSet | None = None
    lists: dict[str, RuleList]


class Category(_Data):
    """One ConText modifier: its triggers by direction, pseudo-triggers and terminators."""

    scope: Literal["clause", "sentence"] = "clause"
    means: ContextName | None = Field(
        default=None,
        description="The modifier its triggers apply, where it differs from the category's "
        "name: a category with its own scope rules for the same meaning",
    )
    forward: TermSet = TermSet()
    backward: TermSet = TermSet()
    both: TermSet = TermSet()
    pseudo: TermSet = TermSet()
    terminators: TermSet = TermSet()


class YearTrigger(_Data):
    """A bare year reads as past history when it is this many years before the review."""

    pattern: str
    years_before_review: int = Field(ge=0)


class ContextFile(_Data):
    """context.yaml: sentence splitting, clause terminators, modifiers, instruction-like text."""

    about: str
    macros: dict[str, str] = {}
    abbreviations: tuple[str, ...]
    sentence_max_chars: int = Field(ge=200)
    clause_terminators: TermSet
    categories: dict[ContextName, Category]
    year: YearTrigger
    instruction: TermSet


class TemperatureRule(_Data):
    """Temperature readings: regexes with a `value` and optional `unit` group; thresholds in °F."""

    patterns: tuple[str, ...]
    plausible_f: tuple[float, float]
    plausible_c: tuple[float, float]


class BloodPressureRule(_Data):
    """Blood-pressure readings: regexes with `systolic` and `diastolic` groups."""

    patterns: tuple[str, ...]


class WeightLossRule(_Data):
    """Weight-loss readings: regexes with `amount` and `unit`; a period pattern nearby."""

    patterns: tuple[str, ...]
    period_pattern: str


class NumbersFile(_Data):
    """numbers.yaml: how numeric readings are found, and the thresholds that make them count."""

    about: str
    temperature: TemperatureRule
    blood_pressure: BloodPressureRule
    weight_loss: WeightLossRule


class RegionGroup(_Data):
    """A body region: words that name it, what lies near it, and its neighbouring regions."""

    id: str
    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    adjacent: tuple[str, ...] = ()


class RegionsFile(_Data):
    """regions.yaml: body regions for 'at or near the treated area' and 'same region'."""

    about: str
    sides: dict[Literal["left", "right", "both"], tuple[str, ...]]
    treated_site: TermSet
    groups: tuple[RegionGroup, ...]

    @model_validator(mode="after")
    def _adjacent_regions_exist(self) -> RegionsFile:
        ids = {group.id for group in self.groups}
        for group in self.groups:
            unknown = sorted(set(group.adjacent) - ids)
            if unknown:
                raise ValueError(f"region {group.id!r}: unknown adjacent regions {unknown}")
        return self
