"""The Gradio app: module-level `demo`, and `create_app` putting it behind sign-in.

    massage-review serve [--host 127.0.0.1] [--port 7860] [--demo]

The web server is a FastAPI app of our own with three routes — `/login` (a form, and
the POST that `gradio_client.Client(url, auth=(name, password))` uses), `/logout` and
`/download/{token}` — and the Blocks mounted at `/` behind a gate: without a live
session nothing else is served (not the page, not `/config`, not the API), and a
browser is sent to `/login`. Gradio's own file route is closed: files go out only
through `/download`, made per request for the signed-in user.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from string import Template
from typing import Any

import gradio as gr
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.requests import Request as StarletteRequest

from agent.web import handlers, views
from agent.web.services import Services, configure, current
from agent.web.sessions import COOKIE, SignInRefused
from tools.parameters import parameters

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

OPEN_PATHS = {"/login", "/login/", "/logout", "/logout/", "/favicon.ico"}
CLOSED_PREFIXES = ("/gradio_api/file=", "/gradio_api/file/", "/file=", "/gradio_api/proxy=")
CSS = """
.mr-facts th { text-align: left; padding-right: 1em; white-space: nowrap; }
mark.mr-evidence { background: #ffe066; padding: 0 2px; }
.mr-finding { border-bottom: 1px solid #ddd; padding: 4px 0; }
.mr-passage { font-size: 0.9em; color: #333; border-left: 3px solid #1f5fa8; padding-left: 8px; }
.mr-charts { display: flex; flex-wrap: wrap; gap: 12px; }
.mr-letter { white-space: pre-wrap; font-family: serif; line-height: 1.4; }
"""


def build_demo() -> gr.Blocks:
    """The Blocks: wiring only; every event is a handler in agent/web/handlers.py."""
    with gr.Blocks(title="massage-review", analytics_enabled=False) as demo:
        who = gr.Markdown("…", elem_id="mr-who")
        with gr.Tabs():
            with gr.Tab("Queue", visible=False, elem_id="mr-tab-queue") as queue_tab:
                with gr.Row():
                    status = gr.Dropdown(
                        ["open", "pending", "draft", "returned", "final", "all"],
                        value="open",
                        label="Status",
                        elem_id="mr-status",
                    )
                    text = gr.Textbox(label="Filter (case, region, flag…)", elem_id="mr-filter")
                    refresh = gr.Button("Refresh", elem_id="mr-refresh")
                table = gr.Dataframe(
                    headers=views.QUEUE_HEADERS,
                    interactive=False,
                    elem_id="mr-queue",
                    wrap=True,
                    show_search="filter",  # sort by any column header, filter by value
                )
                with gr.Row():
                    case_id = gr.Textbox(label="Case id", elem_id="mr-case-id")
                    open_button = gr.Button("Open case", variant="primary", elem_id="mr-open")
                revision = gr.Number(label="Revision", interactive=False, precision=0)
                facts = gr.HTML(elem_id="mr-facts-box")
                with gr.Row():
                    with gr.Column():
                        gr.Markdown("### Findings")
                        findings = gr.HTML()
                    with gr.Column():
                        gr.Markdown("### Case text (evidence highlighted)")
                        case_text = gr.HTML()
                gr.Markdown("### Outcome measures")
                charts = gr.HTML()
                gr.Markdown("### Attention items")
                attention = gr.HTML()
                with gr.Row():
                    item = gr.Dropdown([], label="Item", elem_id="mr-item", allow_custom_value=True)
                    resolution = gr.Radio(
                        ["confirmed", "dismissed"], label="Settle as", elem_id="mr-resolution"
                    )
                    settle_reason = gr.Textbox(label="Reason", elem_id="mr-settle-reason")
                    settle_button = gr.Button("Settle item", elem_id="mr-settle")
                gr.Markdown("### Draft and decision")
                draft = gr.Textbox(label="Draft letter (editable)", lines=12, elem_id="mr-draft")
                with gr.Row():
                    action = gr.Radio(
                        ["approve", "modify", "return"], value="approve", label="Action",
                        elem_id="mr-action",
                    )  # fmt: skip
                    outcome = gr.Dropdown(
                        ["approved", "partially_approved", "denied"],
                        label="Outcome (modify)",
                        elem_id="mr-outcome",
                    )
                    visits = gr.Number(label="Visits (modify)", precision=0, elem_id="mr-visits")
                    weeks = gr.Number(label="Weeks (modify)", precision=0, elem_id="mr-weeks")
                    refer = gr.Checkbox(label="Refer (modify)", elem_id="mr-refer")
                reason = gr.Textbox(label="Reason (modify and return)", elem_id="mr-reason")
                decide_button = gr.Button("Decide", variant="primary", elem_id="mr-decide")
                gr.Markdown("### Version history")
                history = gr.Dataframe(
                    headers=views.HISTORY_HEADERS, interactive=False, elem_id="mr-history"
                )
                gr.Markdown("### Ask about this case")
                chat = gr.Chatbot(elem_id="mr-chat", height=260)
                question = gr.Textbox(label="Question", elem_id="mr-question")
            with gr.Tab("Audit", visible=False, elem_id="mr-tab-audit") as audit_tab:
                with gr.Row():
                    audit_case = gr.Textbox(label="Case", elem_id="mr-audit-case")
                    audit_user = gr.Textbox(label="User", elem_id="mr-audit-user")
                    audit_button = gr.Button("Show", elem_id="mr-audit-show")
                    export_button = gr.Button("Export CSV", elem_id="mr-audit-export")
                export_link = gr.HTML()
                audit_table = gr.Dataframe(
                    headers=views.AUDIT_HEADERS,
                    interactive=False,
                    elem_id="mr-audit",
                    wrap=True,
                    show_search="search",
                )
            with gr.Tab("My cases", visible=False, elem_id="mr-tab-mine") as mine_tab:
                mine = gr.Dataframe(
                    headers=views.MY_CASES_HEADERS, interactive=False, elem_id="mr-mine"
                )
                with gr.Row():
                    my_id = gr.Textbox(label="Case id", elem_id="mr-my-id")
                    my_open = gr.Button("Open", variant="primary", elem_id="mr-my-open")
                    my_download = gr.Button("Download letter", elem_id="mr-my-download")
                my_status = gr.Markdown(elem_id="mr-my-status")
                my_letter = gr.HTML()
                my_link = gr.HTML()
                why_chat = gr.Chatbot(elem_id="mr-why-chat", height=220)
                why_question = gr.Textbox(label="Why? Ask about the decision", elem_id="mr-why")
            with gr.Tab("Submit", elem_id="mr-tab-submit"):
                upload = gr.File(label="Case JSON", type="binary", file_types=[".json"])
                submit_button = gr.Button("Submit", variant="primary", elem_id="mr-submit")
                submitted = gr.Markdown(elem_id="mr-submitted")

        case_outputs = [
            case_id, revision, facts, findings, case_text, charts, attention, item, draft, history,
            outcome, visits, weeks, refer,
        ]  # fmt: skip
        demo.load(
            handlers.whoami,
            None,
            [who, queue_tab, audit_tab, mine_tab, table, mine],
            api_name="whoami",
        )
        queue_in = [status, text]
        refresh.click(handlers.queue, queue_in, table, api_name="queue")
        status.change(handlers.queue, queue_in, table, api_visibility="private")
        text.submit(handlers.queue, queue_in, table, api_visibility="private")
        table.select(handlers.open_selected, None, case_outputs, api_visibility="private")
        open_button.click(handlers.open_case, case_id, case_outputs, api_name="open_case")
        settle_button.click(
            handlers.settle,
            [case_id, item, resolution, settle_reason],
            case_outputs,
            api_name="settle",
        )
        decide_button.click(
            handlers.decide,
            [case_id, revision, action, outcome, visits, weeks, refer, reason, draft],
            case_outputs,
            api_name="decide",
        )
        question.submit(handlers.ask, [case_id, question, chat], chat, api_name="ask")
        audit_button.click(handlers.audit, [audit_case, audit_user], audit_table, api_name="audit")
        export_button.click(
            handlers.audit_csv, [audit_case, audit_user], export_link, api_name="audit_csv"
        )
        mine_tab.select(handlers.my_cases, None, mine, api_name="my_cases")
        mine.select(_selected_case, None, my_id, api_visibility="private")
        my_open.click(handlers.my_case, my_id, [my_status, my_letter], api_name="my_case")
        my_download.click(handlers.letter_download, my_id, my_link, api_name="letter_download")
        why_question.submit(handlers.why, [my_id, why_question, why_chat], why_chat, api_name="why")
        submit_button.click(handlers.submit, upload, submitted, api_name="submit")
    return demo


def _selected_case(event: gr.SelectData) -> str:
    """The case id of the clicked row (column 0); no record is read here."""
    row = event.row_value or []
    return str(row[0]) if row else ""


demo = build_demo()


# --- the web server: sign-in page, gate, downloads ------------------------------------------


LOGIN_PAGE = Template((Path(__file__).parent / "login.html").read_text(encoding="utf-8"))
"""The sign-in form; `$message` is the (escaped) line above it."""


def _wants_html(request: StarletteRequest) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _login_page(message: str = "", status: int = 200) -> HTMLResponse:
    return HTMLResponse(LOGIN_PAGE.substitute(message=html.escape(message)), status_code=status)


class SignInGate:
    """ASGI middleware: nothing but the sign-in routes without a live session. A page
    load or any POST is an action (restarts the idle time); heartbeats are not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in OPEN_PATHS or path.startswith("/download/"):
            await self.app(scope, receive, send)
            return
        request = StarletteRequest(scope)
        if path.startswith(CLOSED_PREFIXES):
            await JSONResponse({"detail": "not found"}, status_code=404)(scope, receive, send)
            return
        action = scope["method"] == "POST" or path == "/"
        session = current().sessions.current(request.cookies.get(COOKIE), touch=action)
        if session is None:
            if scope["method"] == "GET" and _wants_html(request):
                response: Response = RedirectResponse("/login", status_code=303)
            else:
                response = JSONResponse({"detail": "sign in first"}, status_code=401)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _user_of(request: Request) -> str | None:
    """Gradio's auth dependency: the signed-in user's name (the gate already checked)."""
    session = current().sessions.current(request.cookies.get(COOKIE))
    return session.user.name if session else None


def create_app(services: Services) -> FastAPI:
    """The web server for these services: sign-in routes, the gate, the Blocks."""
    configure(services)
    app = FastAPI(title="massage-review", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/login", response_class=HTMLResponse)
    def login_form() -> HTMLResponse:
        return _login_page()

    @app.post("/login")
    def login(request: Request, username: str = Form(""), password: str = Form("")) -> Response:
        try:
            session = services.sessions.sign_in(username.strip(), password)
        except SignInRefused as refused:
            if _wants_html(request):
                return _login_page(str(refused), status=401)
            return JSONResponse({"detail": str(refused)}, status_code=401)
        if _wants_html(request):
            response: Response = RedirectResponse("/", status_code=303)
        else:
            response = JSONResponse({"user": session.user.name, "role": session.user.role})
        response.set_cookie(
            COOKIE, session.token, httponly=True, samesite="strict", path="/",
            max_age=int(services.sessions.idle.total_seconds()) * 48,
        )  # fmt: skip
        return response

    @app.api_route("/logout", methods=["GET", "POST"])
    def logout(request: Request) -> Response:
        services.sessions.sign_out(request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/download/{token}")
    def download(token: str, request: Request) -> Response:
        session = services.sessions.current(request.cookies.get(COOKIE), touch=True)
        if session is None:
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        file = services.downloads.get(token)
        user = session.user
        if file is None or file.owner != user.name:
            services.store().log(
                user.name, user.role, "download-refused", file.case_id if file else None, None,
                detail="not this user's download" if file else "no such download",
            )  # fmt: skip
            return JSONResponse({"detail": "no such file that you may see"}, status_code=404)
        return Response(
            file.body,
            media_type=file.media_type,
            headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
        )

    demo.queue(default_concurrency_limit=services.settings.app_concurrency)
    app = gr.mount_gradio_app(
        app, demo, path="/", auth_dependency=_user_of, show_error=True, css=CSS,
        footer_links=[], ssr_mode=False,
        # an upload larger than a case file may be is refused before it is read
        max_file_size=parameters().limits.case_file_bytes,
    )  # fmt: skip
    app.add_middleware(SignInGate)
    return app


def serve(services: Services, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Run the app until interrupted (unfinished drafts are resumed first)."""
    import uvicorn

    resumed = services.reviews().resume_unfinished()
    if resumed:
        announce(f"resumed {len(resumed)} unfinished draft(s)")
    app = create_app(services)
    announce(
        f"massage-review app: http://{host}:{port}/  (sign in with a user of this data folder)"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve_in_thread(services: Services, host: str = "127.0.0.1", port: int = 0) -> Any:
    """The app on a background thread (tests and benchmarks): the started uvicorn
    server, its address in `.url`; a free port when `port` is 0."""
    import socket
    import threading
    import time

    import uvicorn

    if port == 0:
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(services), host=host, port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the app server did not start within 30 s")
        time.sleep(0.02)
    server.url = f"http://{host}:{port}"  # type: ignore[attr-defined]
    return server
