"""The app's API as each role sees it: every endpoint Gradio exposes, called with
gradio_client as a CQE, as a practitioner, and with no session at all.

Gradio makes every event handler an API endpoint, so hiding a part of the page protects
nothing: this table is the access contract. A practitioner asking for a case that is not
theirs gets word for word the refusal of a case that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from agent.store import NotFound
from corpus.retrieval import Retriever
from evals.app_client import app_client
from tests.browser.app_server import (
    ATTENTION_CASE,
    CONFIRM_CASE,
    FINAL_CASE,
    RETURN_REASON,
    RETURNED_CASE,
    RunningApp,
    password,
    shared_app,
)
from tests.factories import case_dict
from tools.parameters import parameters

CQE, PRACTITIONER = "bea", "lee"  # lee is P-221: RETURNED_CASE is theirs, FINAL_CASE is not
OK, ROLE = "ok", "role"


def not_found(case_id: str) -> str:
    return f"not-found:{case_id}"


def refused(rule: str) -> str:
    return f"refused:{rule}"


# endpoint, user, arguments, expected
TABLE = [
    ("/whoami", CQE, (), OK),
    ("/whoami", PRACTITIONER, (), OK),
    ("/queue", CQE, ("all", ""), OK),
    ("/queue", PRACTITIONER, ("all", ""), ROLE),
    ("/open_case", CQE, ("TM-2026-0398",), OK),
    ("/open_case", CQE, ("NO-SUCH-CASE",), not_found("NO-SUCH-CASE")),
    # even their own case: the CQE's view shows the draft's outcome
    ("/open_case", PRACTITIONER, (RETURNED_CASE,), ROLE),
    ("/settle", CQE, ("TM-2026-0421", "no-item", "dismissed", "x"), refused("unknown-item")),
    ("/settle", PRACTITIONER, (ATTENTION_CASE, "att-dvt", "dismissed", "x"), ROLE),
    ("/settle", CQE, (CONFIRM_CASE, "att-dvt", "confirmed", "Calf signs seen today."), OK),
    (
        "/decide",
        CQE,
        ("TM-2026-0377", 1, "return", None, None, None, False, "", ""),
        refused("reason-required"),
    ),
    ("/decide", CQE, ("TM-2026-0377", 1, "return", None, None, None, False, "Need NDI.", ""), OK),
    ("/decide", PRACTITIONER, (RETURNED_CASE, 2, "approve", None, None, None, False, "", ""), ROLE),
    ("/ask", CQE, ("TM-2026-0398", "which red flags did you find?", []), OK),
    ("/ask", PRACTITIONER, (RETURNED_CASE, "which red flags did you find?", []), ROLE),
    ("/audit", CQE, ("", ""), OK),
    ("/audit", PRACTITIONER, ("", ""), ROLE),
    ("/audit_csv", CQE, ("", CQE), OK),
    ("/audit_csv", PRACTITIONER, ("", ""), ROLE),
    ("/my_cases", PRACTITIONER, (), OK),
    ("/my_cases", CQE, (), ROLE),
    ("/my_case", PRACTITIONER, (RETURNED_CASE,), OK),
    ("/my_case", PRACTITIONER, (FINAL_CASE,), not_found(FINAL_CASE)),  # another's
    ("/my_case", PRACTITIONER, ("NO-SUCH-CASE",), not_found("NO-SUCH-CASE")),
    ("/my_case", CQE, (FINAL_CASE,), ROLE),
    ("/letter_download", CQE, (FINAL_CASE,), OK),
    ("/letter_download", PRACTITIONER, (FINAL_CASE,), not_found(FINAL_CASE)),  # another's
    ("/letter_download", PRACTITIONER, (RETURNED_CASE,), not_found(RETURNED_CASE)),  # not final
    ("/why", PRACTITIONER, (RETURNED_CASE, "why?", []), OK),
    ("/why", PRACTITIONER, (FINAL_CASE, "why?", []), not_found(FINAL_CASE)),  # another's
    ("/why", CQE, (FINAL_CASE, "why?", []), ROLE),
    ("/submit", CQE, ("valid",), OK),
    ("/submit", PRACTITIONER, ("valid",), refused("own-cases-only")),  # P-1, not theirs
    ("/submit", PRACTITIONER, ("invalid",), OK),  # messages, nothing stored
]


@pytest.fixture(scope="module")
def app(retriever: Retriever, tmp_path_factory: pytest.TempPathFactory) -> RunningApp:
    return shared_app(tmp_path_factory.mktemp("app-home"), retriever)


@pytest.fixture(scope="module")
def clients(app: RunningApp) -> Iterator[dict[str, Client]]:
    made = {name: app_client(app.url, name, password(name)) for name in (CQE, PRACTITIONER)}
    yield made
    for client in made.values():
        client.close()


@pytest.fixture(scope="module")
def upload_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("uploads")
    valid = folder / "valid.json"
    valid.write_text(json.dumps(case_dict(case_id="TM-API-1")), encoding="utf-8")
    invalid = folder / "invalid.json"
    invalid.write_text(
        json.dumps(case_dict(case_id="TM-API-BAD", plan={"weeks_requested": 0})), encoding="utf-8"
    )
    return {"valid": str(valid), "invalid": str(invalid)}


def _call(client: Client, endpoint: str, args: tuple, uploads: dict[str, str]) -> object:
    if endpoint == "/submit":
        args = (handle_file(uploads[args[0]]),)
    return client.predict(*args, api_name=endpoint)


@pytest.mark.parametrize(("endpoint", "user", "args", "expected"), TABLE)
def test_role_endpoint_table(
    clients: dict[str, Client],
    upload_files: dict[str, str],
    endpoint: str,
    user: str,
    args: tuple,
    expected: str,
) -> None:
    if expected == OK:
        _call(clients[user], endpoint, args, upload_files)
        return
    with pytest.raises(AppError) as refusal:
        _call(clients[user], endpoint, args, upload_files)
    message = str(refusal.value)
    if expected == ROLE:
        assert "refused: this is for the" in message
    elif expected.startswith("not-found:"):
        case_id = expected.split(":", 1)[1]
        assert message == NotFound(case_id).line()  # the same words, missing or not theirs
    else:
        assert f": {expected.split(':', 1)[1]}:" in message


def test_the_table_covers_every_endpoint_the_app_exposes(clients: dict[str, Client]) -> None:
    exposed = set(clients[CQE].view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert exposed == {row[0] for row in TABLE}


@pytest.mark.parametrize("endpoint", sorted({row[0] for row in TABLE}))
def test_no_session_reaches_no_endpoint(app: RunningApp, endpoint: str) -> None:
    name = endpoint.strip("/")
    for path in (f"/gradio_api/call/{name}", f"/gradio_api/run/{name}", f"/gradio_api/api/{name}"):
        assert httpx.post(app.url + path, json={"data": []}).status_code == 401


@pytest.mark.parametrize(
    "path",
    ["/", "/config", "/gradio_api/info", "/gradio_api/openapi.json", "/gradio_api/queue/data"],
)
def test_no_session_gets_nothing_but_the_sign_in_page(app: RunningApp, path: str) -> None:
    assert httpx.get(app.url + path).status_code == 401
    browser = httpx.get(app.url + path, headers={"accept": "text/html"})
    assert browser.status_code == 303 and browser.headers["location"] == "/login"
    assert httpx.post(app.url + "/gradio_api/queue/join", json={}).status_code == 401


def test_a_signed_out_cookie_opens_nothing(app: RunningApp) -> None:
    cookie = app.cookie(CQE)
    assert httpx.get(app.url + "/config", cookies=cookie).status_code == 200
    httpx.get(app.url + "/logout", cookies=cookie)
    assert httpx.get(app.url + "/config", cookies=cookie).status_code == 401
    events = [e for e in app.services.store().audit() if e.user == CQE]
    assert [e.action for e in events if e.action in ("sign-in", "sign-out")][-2:] == [
        "sign-in",
        "sign-out",
    ]


def test_gradio_file_route_is_closed_even_when_signed_in(app: RunningApp) -> None:
    cookie = app.cookie(CQE)
    for path in ("/gradio_api/file=/etc/hostname", "/gradio_api/file/etc/hostname"):
        assert httpx.get(app.url + path, cookies=cookie).status_code == 404


def test_a_download_is_its_requesters_only(app: RunningApp) -> None:
    ortiz = app_client(app.url, "ortiz", password("ortiz"))
    link = ortiz.predict(FINAL_CASE, api_name="/letter_download")
    ortiz.close()
    href = link.split('href="', 1)[1].split('"', 1)[0]
    mine = httpx.get(app.url + href, cookies=app.cookie("ortiz"))
    assert mine.status_code == 200 and "approved" in mine.text.lower()
    theirs = httpx.get(app.url + href, cookies=app.cookie(PRACTITIONER))
    assert theirs.status_code == 404
    assert httpx.get(app.url + href).status_code == 401
    refused_events = [e for e in app.services.store().audit(FINAL_CASE) if e.user == PRACTITIONER]
    assert "download-refused" in [e.action for e in refused_events]


def test_refusals_of_another_practitioners_case_are_audited(
    clients: dict[str, Client], app: RunningApp
) -> None:
    with pytest.raises(AppError):
        clients[PRACTITIONER].predict(FINAL_CASE, api_name="/my_case")
    events = app.services.store().audit(FINAL_CASE)
    assert any(e.user == PRACTITIONER and e.action == "view-refused" for e in events)


def test_an_invalid_upload_gets_the_engines_messages_and_stores_nothing(
    clients: dict[str, Client], upload_files: dict[str, str], app: RunningApp
) -> None:
    reply = clients[CQE].predict(handle_file(upload_files["invalid"]), api_name="/submit")
    assert "Not stored" in reply and "plan.weeks_requested" in reply
    assert app.services.store().latest("TM-API-BAD") is None


def test_a_practitioner_reads_the_return_reason(clients: dict[str, Client]) -> None:
    status, letter = clients[PRACTITIONER].predict(RETURNED_CASE, api_name="/my_case")
    assert "returned" in status and RETURN_REASON.replace("'", "&#x27;") in letter


def test_a_confirmed_item_opens_a_new_revision_with_it_as_a_finding(
    clients: dict[str, Client], app: RunningApp
) -> None:
    """Runs after the table, whose CQE row confirmed CONFIRM_CASE's item."""
    view = clients[CQE].predict(CONFIRM_CASE, api_name="/open_case")
    assert view[1] == 2  # the revision on screen
    assert 'data-code="ABSOLUTE_CONTRAINDICATION"' in view[3]  # the findings checklist
    assert app.services.store().determination(CONFIRM_CASE).outcome == "denied"


def test_an_upload_above_the_case_file_limit_is_refused_before_it_is_read(
    clients: dict[str, Client], app: RunningApp, tmp_path: Path
) -> None:
    limit = parameters().limits.case_file_bytes
    case = case_dict(case_id="TM-API-HUGE")
    case["notes"] = "x" * limit
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(case), encoding="utf-8")
    with pytest.raises(Exception, match=r"(?i)size|large|limit"):
        clients[CQE].predict(handle_file(str(huge)), api_name="/submit")
    assert app.services.store().latest("TM-API-HUGE") is None
