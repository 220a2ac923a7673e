"""The one configuration object (design principle 5): every setting has a description
and an environment variable, and nothing else in the project reads `os.environ`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.sources import default_sources_dir


class Settings(BaseSettings):
    """massage-review settings, read from MASSAGE_REVIEW_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="MASSAGE_REVIEW_", extra="ignore")

    home: Path = Field(
        default=Path("data"),
        description="Data folder for everything the program writes (index, databases); "
        "MASSAGE_REVIEW_HOME, default ./data in the working directory.",
    )
    sources: Path = Field(
        default_factory=default_sources_dir,
        description="Folder of guideline source files (.txt, .md, .pdf); "
        "MASSAGE_REVIEW_SOURCES, default the guidelines shipped in corpus/sources.",
    )


@cache
def settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
