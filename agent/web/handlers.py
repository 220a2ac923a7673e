"""One function per app endpoint: who is signed in → the record and the graph → a view.

Gradio exposes every event handler as an API endpoint, so nothing here trusts the page:
each handler finds the session from its own cookie, reads the user afresh from the
record (a disabled user stops at once), checks the role, and lets the store enforce the
review rules. A practitioner asking for a case that is not theirs gets exactly the
refusal of a case that does not exist, and the attempt is audited.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import gradio as gr

from agent.access import Role, User, can_view
from agent.chat_store import answer_text, ask_stored
from agent.store import DecisionRequest, NotFound, RevisionInfo, StoreError
from agent.web import views
from agent.web.services import Download, Services, current
from agent.web.sessions import COOKIE
from tools.case_io import CaseError, parse_case
from tools.determination import Determination

SIGNED_OUT = "Your session has ended: sign in again (reload the page)."


def _token(request: gr.Request | None) -> str | None:
    if request is None:
        return None
    cookies = getattr(request, "cookies", None) or {}
    return cookies.get(COOKIE)


def signed_in(request: gr.Request | None, role: Role | None = None) -> tuple[Services, User]:
    """The services and the signed-in user, read afresh from the record; gr.Error when
    there is no live session, the user is disabled, or the role does not fit."""
    services = current()
    session = services.sessions.current(_token(request))
    if session is None:
        raise gr.Error(SIGNED_OUT)
    try:
        user = services.store().user(session.user.name)
    except StoreError as error:
        services.sessions.sign_out(session.token)
        raise gr.Error(SIGNED_OUT) from error
    if role is not None and user.role != role:
        services.store().log(user.name, user.role, "refused-endpoint", None, None, detail=role)
        raise gr.Error(f"refused: this is for the {role} role")
    return services, user


def _refuse(services: Services, user: User, case_id: str, why: str) -> gr.Error:
    """The one refusal for a case that is missing or not the user's (audited)."""
    services.store().log(user.name, user.role, "view-refused", case_id or None, None, detail=why)
    return gr.Error(NotFound(case_id).line())


def _viewable(services: Services, user: User, case_id: str) -> RevisionInfo:
    case_id = (case_id or "").strip()
    info = services.store().latest(case_id) if case_id else None
    if info is None:
        raise _refuse(services, user, case_id, "no such case")
    if not can_view(user, info):
        raise _refuse(services, user, case_id, f"held under {info.practitioner_id}")
    return info


def _store_error(error: StoreError) -> gr.Error:
    return gr.Error(error.line())


# --- who is signed in ------------------------------------------------------------------


def whoami(request: gr.Request) -> tuple[str, Any, Any, Any, Any, Any]:
    """The page as it opens: the header line, the CQE's or the practitioner's tabs (the
    handlers, not this, are what protect each part), and the open queue or the
    practitioner's own cases, so the first screen needs no second request."""
    services, user = signed_in(request)
    who = f"Signed in as **{user.name}** ({user.role}"
    who += f", {user.practitioner_id})" if user.practitioner_id else ")"
    who += " · [Sign out](/logout)"
    is_cqe = user.role == "cqe"
    rows = views.queue_table(_queue_rows(services, "open", "") if is_cqe else [])
    mine = [] if is_cqe else _my_case_rows(services, user)
    show_cqe, show_mine = gr.update(visible=is_cqe), gr.update(visible=not is_cqe)
    return who, show_cqe, show_cqe, show_mine, rows, mine


# --- the CQE's queue and case view -------------------------------------------------------


def queue(status: str, text: str, request: gr.Request) -> Any:
    """The work queue, most urgent first, filtered by status and by words."""
    services, _ = signed_in(request, "cqe")
    return views.queue_table(_queue_rows(services, status, text))


def _queue_rows(services: Services, status: str, text: str) -> list[list[str]]:
    store = services.store()
    now = services.clock()
    entries = [
        views.QueueEntry(
            row,
            store.case(row.case_id, row.revision),
            store.determination(row.case_id, row.revision),
        )
        for row in store.queue(status=status or "open", now=now)
    ]
    rows = views.queue_rows(entries, now)
    return [r for r in rows if views.matches(r, text or "")]


CaseView = tuple[Any, ...]


def _case_view(services: Services, user: User, case_id: str) -> CaseView:
    info = _viewable(services, user, case_id)
    store = services.store()
    d = store.determination(info.case_id, info.revision)
    if d is None:  # a revision whose draft a crash cut short: draft it now
        d = services.reviews().draft(info.case_id, info.revision)
        info = store.latest(info.case_id) or info
    case = store.case(info.case_id, info.revision)
    settled = {s.id: s.resolution for s in store.settlements(info.case_id)}
    unsettled = [a.id for a in d.attention if a.id not in settled]
    history = [
        (rev, store.determination(info.case_id, rev.revision))
        for rev in (store.revision_info(info.case_id, n) for n in range(1, info.revision + 1))
        if rev is not None
    ]
    store.log(user.name, user.role, "view", info.case_id, info.revision)
    return (
        info.case_id,
        info.revision,
        views.facts_html(case, d, info, services.clock()),
        views.findings_html(d),
        views.case_text_html(case, d.findings, d.attention),
        views.chart_html(case),
        views.attention_html(d.attention, settled),
        gr.update(choices=unsettled, value=unsettled[0] if unsettled else None),
        d.rationale,
        views.history_rows(history),
        d.outcome,  # the modify form starts from the recommendation
        d.approved.visits,
        d.approved.weeks,
        d.refer,
    )


def open_case(case_id: str, request: gr.Request) -> CaseView:
    """A CQE opens a case: facts, findings, highlighted text, charts, attention items,
    the draft and the version history (a view is an audit event)."""
    services, user = signed_in(request, "cqe")
    return _case_view(services, user, case_id)


def open_selected(event: gr.SelectData, request: gr.Request) -> CaseView:
    """The same, for the queue row a CQE clicked (its first column is the case id)."""
    services, user = signed_in(request, "cqe")
    row = event.row_value or [""]
    return _case_view(services, user, str(row[0]))


def settle(
    case_id: str, item_id: str, resolution: str, reason: str, request: gr.Request
) -> CaseView:
    """A CQE confirms or dismisses one attention item, with a reason."""
    services, user = signed_in(request, "cqe")
    _viewable(services, user, case_id)
    if resolution not in ("confirmed", "dismissed"):
        raise gr.Error("choose confirm or dismiss")
    try:
        services.reviews().settle(
            case_id.strip(), item_id or "", user.name, resolution, reason or ""
        )
    except StoreError as error:
        raise _store_error(error) from error
    return _case_view(services, user, case_id)


def decide(
    case_id: str,
    revision: float | None,
    action: str,
    outcome: str | None,
    visits: float | None,
    weeks: float | None,
    refer: bool,
    reason: str,
    text: str,
    request: gr.Request,
) -> CaseView:
    """A CQE approves, modifies or returns the revision on screen; the store checks
    every rule (reason, attention settled, dosage, stale revision)."""
    services, user = signed_in(request, "cqe")
    info = _viewable(services, user, case_id)
    draft = services.store().determination(info.case_id, info.revision)
    modify = action == "modify"
    edited = (text or "").strip()
    try:
        request_ = DecisionRequest(
            by=user.name,
            action=action,  # type: ignore[arg-type]
            outcome=outcome if modify else None,  # type: ignore[arg-type]
            visits=int(visits) if modify and visits is not None else None,
            weeks=int(weeks) if modify and weeks is not None else None,
            refer=bool(refer) if modify else None,
            reason=reason or None,
            edited_rationale=edited
            if draft is not None and edited and edited != draft.rationale.strip()
            else None,
        )
    except ValueError as error:
        raise gr.Error(f"{info.case_id}: bad-request: {error}") from error
    try:
        services.reviews().decide(
            info.case_id, request_, revision=int(revision) if revision else None
        )
    except StoreError as error:
        raise _store_error(error) from error
    return _case_view(services, user, info.case_id)


def ask(
    case_id: str, question: str, history: list[dict[str, str]] | None, request: gr.Request
) -> list[dict[str, str]]:
    """A CQE's question about the case on screen, answered from the tools and the
    guideline (every passage cited with its section and page; the LLM when configured)."""
    services, user = signed_in(request, "cqe")
    return _chat(services, user, case_id, question, history, services.llm_chat())


def _chat(
    services: Services,
    user: User,
    case_id: str,
    question: str,
    history: list[dict[str, str]] | None,
    llm: Any = None,
) -> list[dict[str, str]]:
    """The chat's own access rules and audit (agent.chat_store), its answer as a turn."""
    try:
        reply = ask_stored(
            services.store(), user.name, (case_id or "").strip(), question, services.passages, llm
        )
    except StoreError as error:
        raise _store_error(error) from error
    turn = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": answer_text(reply)},
    ]
    return [*(history or []), *turn]


# --- submitting ---------------------------------------------------------------------------


def submit(
    upload: bytes | None,
    request: gr.Request,
    progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's way to ask for a progress bar
) -> str:
    """Submit a case file: an invalid file gets the engine's messages, field by field,
    and nothing is stored; a valid one is stored and drafted (with an LLM that can take
    a while, so the steps are shown as they start)."""
    services, user = signed_in(request)
    if not upload:
        raise gr.Error("choose a case JSON file first")
    raw = bytes(upload)
    progress(0.1, desc="checking the file against the case format")
    try:
        case = parse_case(raw.decode("utf-8"), "upload")
    except UnicodeDecodeError:
        return "**Not stored.** The file is not UTF-8 text."
    except CaseError as error:
        problems = "\n".join(f"- `{p}`" for p in error.problems)
        return f"**Not stored.** The case has {len(error.problems)} problem(s):\n{problems}"
    drafting = "drafting with the LLM" if services.settings.llm != "offline" else "drafting"
    progress(0.3, desc=f"storing, screening and {drafting}")
    try:
        result = services.reviews().submit(raw, case, user.name)
    except StoreError as error:
        raise _store_error(error) from error
    if result.status == "unchanged":
        return f"**{result.case_id}**: identical to revision {result.revision}; nothing stored."
    return f"**{result.case_id}**: stored as revision {result.revision}; status {result.status}."


# --- the audit view ---------------------------------------------------------------------


def _audit_events(services: Services, case_id: str, user_name: str) -> list[Any]:
    events = services.store().audit((case_id or "").strip() or None)
    wanted = (user_name or "").strip()
    return [e for e in events if not wanted or e.user == wanted]


def audit(case_id: str, user_name: str, request: gr.Request) -> list[list[str]]:
    """The audit log, filtered by case and by user (CQEs only)."""
    services, _ = signed_in(request, "cqe")
    return views.audit_rows(_audit_events(services, case_id, user_name))


def audit_csv(case_id: str, user_name: str, request: gr.Request) -> str:
    """The filtered audit log as a CSV file made for this request (a link to it)."""
    services, user = signed_in(request, "cqe")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(views.AUDIT_HEADERS)
    writer.writerows(views.audit_rows(_audit_events(services, case_id, user_name)))
    token = services.downloads.add(
        Download(
            user.name, None, "audit.csv", "text/csv", buffer.getvalue().encode(), services.clock()
        )
    )
    services.store().log(user.name, user.role, "audit-export", case_id or None, None)
    return (
        f'<a id="mr-audit-csv" href="/download/{token}" download="audit.csv">Download audit.csv</a>'
    )


# --- the practitioner's window ------------------------------------------------------------


def my_cases(request: gr.Request) -> list[list[str]]:
    """The signed-in practitioner's own cases, every status."""
    services, user = signed_in(request, "practitioner")
    return _my_case_rows(services, user)


def _my_case_rows(services: Services, user: User) -> list[list[str]]:
    store = services.store()
    rows = store.queue(status="all", now=services.clock(), practitioner_id=user.practitioner_id)
    cases = {r.case_id: store.case(r.case_id, r.revision) for r in rows}
    decided = {r.case_id: store.determination(r.case_id, r.revision) for r in rows}
    return views.my_case_rows(rows, cases, decided, services.clock())


def my_case(case_id: str, request: gr.Request) -> tuple[str, str]:
    """A practitioner's case: status and due date; the letter when final, the reason
    when returned; a draft's outcome stays the CQE's until decided."""
    services, user = signed_in(request, "practitioner")
    info = _viewable(services, user, case_id)
    store = services.store()
    d = store.determination(info.case_id, info.revision)
    store.log(user.name, user.role, "view", info.case_id, info.revision)
    status = (
        f"**{info.case_id}** · revision {info.revision} · status **{info.status}** · "
        f"due {info.due.replace('T', ' ')}"
    )
    if d is not None and d.status == "final":
        return status, views.letter_html(d)
    if d is not None and d.status == "returned" and d.decision is not None:
        reason = d.decision.reason or ""
        return status, f"<p id='mr-letter'>Returned for more information: {views._e(reason)}</p>"
    return status, "<p id='mr-letter'>Under review: the letter appears here when final.</p>"


def _final(services: Services, user: User, case_id: str) -> tuple[RevisionInfo, Determination]:
    """The latest revision when final; anything else gets the refusal of a missing case
    (a draft's outcome is the CQE's)."""
    info = _viewable(services, user, case_id)
    d = services.store().determination(info.case_id, info.revision)
    if d is None or d.status != "final":
        raise _refuse(services, user, case_id, "not decided yet")
    return info, d


def letter_download(case_id: str, request: gr.Request) -> str:
    """The final letter as a file made for this request and this user only."""
    services, user = signed_in(request)
    info, d = _final(services, user, case_id)
    name = f"letter-{info.case_id}-r{info.revision}.txt"
    token = services.downloads.add(
        Download(
            user.name, info.case_id, name, "text/plain", d.rationale.encode(), services.clock()
        )
    )
    services.store().log(user.name, user.role, "download-letter", info.case_id, info.revision)
    return f'<a id="mr-letter-file" href="/download/{token}" download="{name}">Download {name}</a>'


def why(
    case_id: str, question: str, history: list[dict[str, str]] | None, request: gr.Request
) -> list[dict[str, str]]:
    """A practitioner's "why?" about a decided case of theirs, answered from the final
    determination (or the return's reason) and the guideline only; a case not theirs,
    not decided or missing gets the one refusal (audited by the chat's rules)."""
    services, user = signed_in(request, "practitioner")
    return _chat(services, user, case_id, question, history)
