"""Which guideline passage supports which finding (tools/data/guideline_sections.yaml).

Findings name a section key; the key's exact quote locates the passage in whatever index
is built, so citations survive re-chunking and never rest on a hard-coded chunk id.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, RootModel

from tools.datafiles import load_yaml


class SectionAnchor(BaseModel):
    """A guideline section and a short exact quote from its passage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    section: str
    quote: str


class _Anchors(RootModel[dict[str, SectionAnchor]]):
    pass


@cache
def section_anchors() -> dict[str, SectionAnchor]:
    """Every section key findings may cite."""
    return _Anchors.model_validate(load_yaml("guideline_sections.yaml")).root
