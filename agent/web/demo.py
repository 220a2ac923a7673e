"""The demonstration data `serve --demo` loads: the example cases and the demo accounts
(agent/web/demo_accounts.yaml, named in the README as demo only).

Idempotent, so `make run` can run again and again: an account that exists is left as it
is (its password too), and a case whose bytes are already stored stores nothing.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from agent.access import Role, Users
from agent.lifecycle import Reviews
from tools.case_io import expand_paths, load_case

ACCOUNTS_FILE = Path(__file__).parent / "demo_accounts.yaml"


class DemoAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    role: Role
    password: str
    practitioner_id: str | None = None


class DemoAccounts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accounts: list[DemoAccount]


def demo_accounts() -> list[DemoAccount]:
    data = yaml.safe_load(ACCOUNTS_FILE.read_text(encoding="utf-8"))
    return DemoAccounts.model_validate(data).accounts


def load_demo(reviews: Reviews, cases: Path) -> list[str]:
    """Create the missing demo accounts and submit the example cases (as the demo CQE,
    on the practitioners' behalf); returns one line per thing done."""
    users = Users(reviews.store)
    done = []
    for account in demo_accounts():
        if users.get(account.name) is None:
            users.add(account.name, account.role, account.password, account.practitioner_id)
            done.append(f"demo account {account.name} ({account.role}) added")
    intake = next(a.name for a in demo_accounts() if a.role == "cqe")
    for path in expand_paths([cases]):
        case = load_case(path)
        result = reviews.submit(path.read_bytes(), case, intake)
        if result.status != "unchanged":
            done.append(f"{result.case_id} revision {result.revision}: {result.status}")
    return done
