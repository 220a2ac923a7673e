"""Loading the YAML data files that hold the rules and parameters.

Checks live as data (terms, MCIDs, plan parameters); this module is the one place that
reads those files, and it rejects unknown keys so a typo in a rule file fails loudly at
load time instead of silently disabling a check.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel

DATA_PACKAGE = "tools.data"

ModelT = TypeVar("ModelT", bound=BaseModel)


@cache
def load_yaml(name: str, package: str = DATA_PACKAGE) -> Any:
    """Parse one data file shipped in a package's data folder (`tools/data/` by default;
    cached: the files never change at run time)."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_model(name: str, model: type[ModelT], package: str = DATA_PACKAGE) -> ModelT:
    """Validate a whole data file against a pydantic model that forbids unknown keys."""
    return model.model_validate(load_yaml(name, package))
