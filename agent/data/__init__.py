"""The agent's data files (letter wording, prompts, masking patterns), loaded strictly:
each file is validated against a pydantic model that forbids unknown keys."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)


@cache
def _parsed(name: str) -> Any:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load(name: str, model: type[ModelT]) -> ModelT:
    """One data file of agent/data, validated against its model."""
    return model.model_validate(_parsed(name))
