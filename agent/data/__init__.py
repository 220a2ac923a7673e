"""The agent's data files (letter wording, prompts, masking patterns), loaded strictly by
the project's one data loader (tools.datafiles): each file is validated against a
pydantic model that forbids unknown keys."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from tools.datafiles import load_model

ModelT = TypeVar("ModelT", bound=BaseModel)


def load(name: str, model: type[ModelT]) -> ModelT:
    """One data file of agent/data, validated against its model."""
    return load_model(name, model, package=__name__)
