"""The one configuration object (design principle 5): every setting has a description
and an environment variable, and nothing else in the project reads `os.environ`.

Names are a contract (README, "Configuration"): the MASSAGE_REVIEW_* settings, and the
OpenAI client's own OPENAI_BASE_URL / OPENAI_API_KEY, read here and passed to the client
explicitly so that the client never reads the environment behind our back.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from platformdirs import user_data_path
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.sources import default_sources_dir

APP_NAME = "massage-review"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class ConfigError(ValueError):
    """A setting that cannot be used as given; the message names the setting."""


def default_home() -> Path:
    """The platform's per-user data folder (e.g. ~/.local/share/massage-review), so every
    command uses one data folder wherever it is run from."""
    return user_data_path(APP_NAME, appauthor=False)


class Settings(BaseSettings):
    """massage-review settings, read from MASSAGE_REVIEW_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="MASSAGE_REVIEW_", extra="ignore")

    home: Path = Field(
        default_factory=default_home,
        description="Data folder for everything the program writes (index, databases, "
        "checkpoints); MASSAGE_REVIEW_HOME, default the platform's per-user data folder.",
    )
    sources: Path = Field(
        default_factory=default_sources_dir,
        description="Folder of guideline source files (.txt, .md, .pdf); "
        "MASSAGE_REVIEW_SOURCES, default the guidelines shipped in corpus/sources.",
    )
    llm: Literal["offline", "openai"] = Field(
        default="offline",
        description="Who drafts: 'offline' (deterministic template, the default) or "
        "'openai' (any OpenAI-compatible server); MASSAGE_REVIEW_LLM.",
    )
    model: str = Field(
        default="gpt-4o-mini",
        description="Model name sent to the OpenAI-compatible server; MASSAGE_REVIEW_MODEL.",
    )
    llm_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds before one LLM call is abandoned; MASSAGE_REVIEW_LLM_TIMEOUT.",
    )
    llm_allowed_hosts: str = Field(
        default=",".join(LOOPBACK_HOSTS),
        description="Comma-separated host names or addresses the LLM may be reached at; "
        "hosts outside loopback need https; MASSAGE_REVIEW_LLM_ALLOWED_HOSTS.",
    )
    openai_base_url: str = Field(
        default="http://127.0.0.1:8000/v1",
        validation_alias=AliasChoices("OPENAI_BASE_URL"),
        description="Base URL of the OpenAI-compatible server; OPENAI_BASE_URL.",
    )
    openai_api_key: SecretStr = Field(
        default=SecretStr("not-needed"),
        validation_alias=AliasChoices("OPENAI_API_KEY"),
        description="API key for the server (local servers ignore it); OPENAI_API_KEY.",
    )
    user: str | None = Field(
        default=None,
        description="Who acts on the command line when --as is not given (not for decide "
        "or settle); MASSAGE_REVIEW_USER.",
    )
    pause_after: Literal["revision", "checkpoint", "draft"] | None = Field(
        default=None,
        description="Test hook for the crash tests: `submit` stops and waits to be killed "
        "after storing the revision, after the graph's checkpoint of a draft the store "
        "does not hold yet, or after the draft is stored; MASSAGE_REVIEW_PAUSE_AFTER.",
    )

    session_idle_minutes: float = Field(
        default=30.0,
        gt=0,
        description="The app signs a user out after this many minutes without an action; "
        "MASSAGE_REVIEW_SESSION_IDLE_MINUTES.",
    )
    signin_max_failed: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins in a row that lock an account in the app; "
        "MASSAGE_REVIEW_SIGNIN_MAX_FAILED.",
    )
    signin_lock_minutes: int = Field(
        default=15,
        gt=0,
        description="How long a locked account stays locked; MASSAGE_REVIEW_SIGNIN_LOCK_MINUTES.",
    )
    app_concurrency: int = Field(
        default=20,
        ge=1,
        description="Requests the app works on side by side (Gradio's default concurrency "
        "limit per event); MASSAGE_REVIEW_APP_CONCURRENCY.",
    )

    def allowed_hosts(self) -> tuple[str, ...]:
        """The configured host allow-list, normalised (lower case, no brackets)."""
        hosts = (h.strip().strip("[]").lower() for h in self.llm_allowed_hosts.split(","))
        return tuple(h for h in hosts if h)

    def checked_llm_url(self) -> str:
        """OPENAI_BASE_URL if its host is allowed (and https outside loopback), else
        ConfigError naming the host: never a silent fallback to another drafter."""
        parts = urlsplit(self.openai_base_url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise ConfigError(f"OPENAI_BASE_URL: not an http(s) URL: {self.openai_base_url!r}")
        if host not in self.allowed_hosts():
            raise ConfigError(
                f"OPENAI_BASE_URL: host {host!r} is not in MASSAGE_REVIEW_LLM_ALLOWED_HOSTS "
                f"({', '.join(self.allowed_hosts()) or 'empty'})"
            )
        if parts.scheme != "https" and host not in LOOPBACK_HOSTS:
            raise ConfigError(f"OPENAI_BASE_URL: host {host!r} is not loopback and needs https")
        return self.openai_base_url


@cache
def settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
