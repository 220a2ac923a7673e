"""What the app's handlers reach: settings, clock, the guideline index, the sessions,
the per-request downloads, and one record and one lifecycle per worker thread (a SQLite
connection is never shared between Gradio's threads)."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass, field

from agent.chat_llm import LlmChat, make_llm_chat
from agent.config import Settings
from agent.lifecycle import Reviews, open_reviews
from agent.store import Clock, Store, open_store, utc_now
from agent.web.sessions import Sessions
from corpus.retrieval import Retriever

DOWNLOAD_LIFETIME = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Download:
    """A file made for one request of one user, fetched once by its token."""

    owner: str
    case_id: str | None
    filename: str
    media_type: str
    body: bytes
    made: dt.datetime


@dataclass
class Downloads:
    """Files made per request: a random token each, valid for its owner only."""

    clock: Clock
    _files: dict[str, Download] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, download: Download) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = self.clock()
            for old in [t for t, d in self._files.items() if now - d.made > DOWNLOAD_LIFETIME]:
                del self._files[old]
            self._files[token] = download
        return token

    def get(self, token: str) -> Download | None:
        with self._lock:
            download = self._files.get(token)
        if download is None or self.clock() - download.made > DOWNLOAD_LIFETIME:
            return None
        return download


class Services:
    """Everything the handlers use, made once per server."""

    def __init__(self, settings: Settings, passages: Retriever, clock: Clock = utc_now) -> None:
        self.settings = settings
        self.passages = passages
        self.clock = clock
        self._local = threading.local()
        self.sessions = Sessions(
            self.store,
            clock,
            idle=dt.timedelta(minutes=settings.session_idle_minutes),
            max_failed=settings.signin_max_failed,
            lock_minutes=settings.signin_lock_minutes,
        )
        self.downloads = Downloads(clock)

    def store(self) -> Store:
        """This thread's connection to the record."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.settings, self.clock)
        return store

    def llm_chat(self) -> LlmChat | None:
        """The CQE chat's LLM when one is configured (None offline: the routed answers)."""
        if not hasattr(self, "_llm_chat"):
            self._llm_chat = make_llm_chat(self.settings)
        return self._llm_chat

    def reviews(self) -> Reviews:
        """This thread's lifecycle (record + graph with its checkpoints)."""
        reviews = getattr(self._local, "reviews", None)
        if reviews is None:
            reviews = self._local.reviews = open_reviews(
                self.settings, self.passages, self.clock, store=self.store()
            )
        return reviews


_current: Services | None = None


def configure(services: Services) -> Services:
    """Make these the services every handler uses (the server does this at start)."""
    global _current
    _current = services
    return services


def current() -> Services:
    """The configured services; the app refuses to work before `configure`."""
    if _current is None:
        raise RuntimeError("the app's services are not configured (use create_app)")
    return _current
