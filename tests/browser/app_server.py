"""One real app server per test process, shared by the API table and the browser tests.

The Blocks (`agent.web.app.demo`) is one per process, so is its server: a uvicorn
server on 127.0.0.1 (a free port) in a thread, over a fresh data folder with the shared
guideline index, an injected clock, the example cases and a few users:

- ann (CQE, browser), bea (CQE, API), ortiz (practitioner P-104, browser), lee
  (practitioner P-221, API), and one account per lock test.
- TM-ATT-1 and TM-ATT-2 (P-104): drafts with an attention item for the CQE to settle
  (dismissed in the browser, confirmed through the API).
- TM-2026-0412 (P-104): decided (approve) at start, so a final letter exists.
- TM-2026-0360 (P-221): returned at start, with a reason.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from agent.access import Users
from agent.config import Settings
from agent.store import DecisionRequest
from agent.web.app import serve_in_thread
from agent.web.demo import load_demo
from agent.web.services import Services
from corpus.retrieval import Retriever
from tests.factories import case_dict
from tests.store_support import FAST_HASHER, Clock, draft_of, red_flag_item
from tools.case import Case

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
START = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)
USERS = {
    "ann": ("cqe", None),
    "bea": ("cqe", None),
    "ortiz": ("practitioner", "P-104"),
    "lee": ("practitioner", "P-221"),
    "locked-browser": ("cqe", None),
    "locked-api": ("practitioner", "P-221"),
}
ATTENTION_CASE = "TM-ATT-1"
CONFIRM_CASE = "TM-ATT-2"
FINAL_CASE = "TM-2026-0412"
RETURNED_CASE = "TM-2026-0360"
RETURN_REASON = "Please send this week's re-assessment."


def password(name: str) -> str:
    return f"password-{name}"


@dataclass
class RunningApp:
    url: str
    services: Services
    clock: Clock
    server: uvicorn.Server

    def cookie(self, name: str) -> dict[str, str]:
        """Sign in through the app's own form; the session cookie it sets."""
        reply = httpx.post(f"{self.url}/login", data={"username": name, "password": password(name)})
        reply.raise_for_status()
        return dict(reply.cookies)


def _seed(services: Services) -> None:
    reviews = services.reviews()
    users = Users(reviews.store, FAST_HASHER)
    for name, (role, practitioner_id) in USERS.items():
        users.add(name, role, password(name), practitioner_id)
    load_demo(reviews, EXAMPLES)
    raw = json.dumps(
        case_dict(
            case_id=ATTENTION_CASE,
            practitioner={"id": "P-104", "name": "Dana Ortiz, LMT", "credential": "LMT"},
            objective="Hypertonic L erector spinae; left calf swollen, warm and tender.",
        )
    ).encode()
    case = Case.model_validate_json(raw)
    reviews.store.submit(raw, case, "ann")
    reviews.store.save_draft(draft_of(case, 1, [red_flag_item()]))
    second = json.dumps({**json.loads(raw), "case_id": CONFIRM_CASE}).encode()
    case = Case.model_validate_json(second)
    reviews.store.submit(second, case, "ann")
    reviews.store.save_draft(draft_of(case, 1, [red_flag_item()]))
    reviews.decide(FINAL_CASE, DecisionRequest(by="ann", action="approve"))
    reviews.decide(RETURNED_CASE, DecisionRequest(by="ann", action="return", reason=RETURN_REASON))


_RUNNING: RunningApp | None = None
_LOCK = threading.Lock()


def shared_app(home: Path, retriever: Retriever) -> RunningApp:
    """The process's app server, started on first use (and left to die with the process)."""
    global _RUNNING
    with _LOCK:
        if _RUNNING is None:
            clock = Clock(START)
            services = Services(Settings(home=home), retriever, clock)
            _seed(services)
            server = serve_in_thread(services)
            _RUNNING = RunningApp(server.url, services, clock, server)
        return _RUNNING
