"""Body regions: is a mention at or near the treated area, and does other care treat the same one?

CPG 167 makes cancer an absolute contraindication *locally* ("at or near the treated area",
review-policy §1), and duplication needs "the same condition"; both questions compare
words in the text with `condition.regions`. regions.yaml groups the words that name a
region ("low back", "lumbar", "LBP"), the structures near it ("kidney", "pelvis") and its
neighbouring regions; this module answers the two questions and names the site a local
finding is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from tools.screening.models import RegionGroup, RegionsFile
from tools.screening.patterns import alternation, phrase

_SIDE_WINDOW = 16
"""How many characters before a region word are searched for its side ("R", "left")."""


def _group_source(group: RegionGroup, *, near: bool) -> str | None:
    return alternation(group.terms + (group.near if near else ()), (), group.patterns)


@dataclass(frozen=True)
class Treated:
    """The treated regions of one case, ready to compare text with."""

    near: re.Pattern[str] | None
    same: re.Pattern[str] | None
    sides: frozenset[str]


@dataclass(frozen=True, eq=False)
class RegionRules:
    """regions.yaml, compiled once."""

    data: RegionsFile
    names: dict[str, re.Pattern[str]]
    sides: dict[str, re.Pattern[str]]
    side_prefix: str
    any_site: re.Pattern[str] | None
    treated_site: str | None

    @classmethod
    def build(cls, data: RegionsFile) -> RegionRules:
        """Compile regions.yaml."""
        names = {}
        for group in data.groups:
            source = _group_source(group, near=False)
            if source is not None:
                names[group.id] = re.compile(source, re.IGNORECASE)
        sides = {
            side: re.compile(f"(?:{alternation(words)})[\\s.\\-]*$", re.IGNORECASE)
            for side, words in data.sides.items()
        }
        every_side = alternation(w for words in data.sides.values() for w in words)
        prefix = f"(?:(?:{every_side})[\\s.\\-]+)?"
        every_site = [_group_source(g, near=True) for g in data.groups]
        site_source = "|".join(s for s in every_site if s)
        any_site = re.compile(f"{prefix}(?:{site_source})", re.IGNORECASE) if site_source else None
        t = data.treated_site
        return cls(data, names, sides, prefix, any_site, alternation(t.terms, t.cased, t.patterns))

    def _groups_of(self, region: str) -> list[RegionGroup]:
        return [
            g for g in self.data.groups if g.id in self.names and self.names[g.id].search(region)
        ]

    def side_of(self, text: str, position: int) -> str | None:
        """'left', 'right' or 'both' written just before `position`, if any."""
        window = text[max(0, position - _SIDE_WINDOW) : position]
        for side, pattern in self.sides.items():
            if pattern.search(window):
                return side
        return None

    @lru_cache(maxsize=256)  # noqa: B019 - the rule set is built once and lives for the process
    def treated(self, regions: tuple[str, ...]) -> Treated:
        """Compile what 'near' and 'same' mean for these treated regions."""
        by_id = {g.id: g for g in self.data.groups}
        near: list[str] = []
        same: list[str] = []
        sides: set[str] = set()
        for region in regions:
            side = self.side_of(region, _first_region_word(region, self.sides))
            if side in ("left", "right"):
                sides.add(side)
            groups = self._groups_of(region)
            if not groups:
                words = _without_sides(region, self.sides)
                if words:
                    same.append(phrase(words, plural=True))
                    near.append(phrase(words, plural=True))
                continue
            for group in groups:
                same.append(_group_source(group, near=False) or "")
                near.append(_group_source(group, near=True) or "")
                for neighbour in group.adjacent:
                    near.append(_group_source(by_id[neighbour], near=False) or "")
        if self.treated_site is not None:
            near.append(self.treated_site)
        return Treated(_compiled(near), _compiled(same), frozenset(sides))

    def same_region(self, text: str, treated: Treated) -> str | None:
        """The first words of `text` naming a treated region on a compatible side."""
        if treated.same is None:
            return None
        for match in treated.same.finditer(text):
            side = self.side_of(text, match.start())
            if treated.sides and side in ("left", "right") and side not in treated.sides:
                continue
            return match.group()
        return None

    def site(self, text: str, start: int, end: int) -> str | None:
        """The body site named in text[start:end] (with its side), for a finding's detail."""
        if self.any_site is None:
            return None
        match = self.any_site.search(text, start, end)
        return match.group().strip() if match else None


def _compiled(sources: Iterable[str]) -> re.Pattern[str] | None:
    parts = [s for s in sources if s]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE) if parts else None


def _without_sides(region: str, sides: dict[str, re.Pattern[str]]) -> str:
    words = [w for w in region.split() if not any(p.search(w) for p in sides.values())]
    return " ".join(words)


def _first_region_word(region: str, sides: dict[str, re.Pattern[str]]) -> int:
    position = 0
    for word in region.split():
        position = region.index(word, position)
        if not any(p.search(word) for p in sides.values()):
            return position
        position += len(word)
    return len(region)
