"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol,
answering from a script the test writes, and keeping every request it receives.

The real `openai` client talks to it over a socket, so timeouts, HTTP errors and
malformed bodies take the client's real code paths. Usage:

    server.script(Reply.draft("… [cpg167:p4:c2] …"), Reply.status(500), …)
    … run the code under test against server.url …
    server.requests  # the JSON bodies received, in order

Each request consumes the next scripted reply; when the script runs out, the last reply
is repeated. A reply may also be a function of the request (for tool-calling exchanges).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a status, a body, and how long to wait before sending it."""

    status: int = 200
    body: bytes = b""
    delay: float = 0.0

    @staticmethod
    def completion(message: dict[str, Any], finish_reason: str = "stop") -> Reply:
        """A well-formed chat completion carrying one assistant message."""
        payload = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "test-model",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        return Reply(body=json.dumps(payload).encode())

    @staticmethod
    def content(text: str) -> Reply:
        """A completion whose message content is `text` as given (any string)."""
        return Reply.completion({"role": "assistant", "content": text})

    @staticmethod
    def draft(explanation: str) -> Reply:
        """A completion in the drafter's protocol: {"explanation": …}."""
        return Reply.content(json.dumps({"explanation": explanation}))

    @staticmethod
    def tool_calls(*calls: tuple[str, dict[str, Any]]) -> Reply:
        """A completion asking for tool calls: (function name, arguments) pairs."""
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{n}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(arguments)},
                }
                for n, (name, arguments) in enumerate(calls)
            ],
        }
        return Reply.completion(message, finish_reason="tool_calls")

    @staticmethod
    def status_error(status: int, message: str = "scripted failure") -> Reply:
        """An HTTP error with an OpenAI-style error body."""
        body = {"error": {"message": message, "type": "server_error", "code": None}}
        return Reply(status=status, body=json.dumps(body).encode())

    @staticmethod
    def malformed_body() -> Reply:
        """A 200 whose body is not JSON at all."""
        return Reply(body=b'{"choices": [ this is not json')

    @staticmethod
    def hang(seconds: float) -> Reply:
        """No answer for `seconds` (then a valid but useless one), to trip a timeout."""
        return Reply.draft("too late").with_delay(seconds)

    def with_delay(self, seconds: float) -> Reply:
        return Reply(status=self.status, body=self.body, delay=seconds)


Scripted = Reply | Callable[[dict[str, Any]], Reply]


@dataclass
class ScriptedOpenAI:
    """The server: start(), script(...), url, requests, stop()."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    _script: list[Scripted] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give the client (OPENAI_BASE_URL)."""
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Scripted) -> None:
        """Replace the script: one reply per coming request, the last one repeated."""
        with self._lock:
            self._script = list(replies)

    def texts(self) -> str:
        """Everything the server received, as one string (for 'never reached it' checks)."""
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in self.requests)

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            if not self._script:
                return Reply.status_error(500, "no scripted reply")
            item = self._script.pop(0) if len(self._script) > 1 else self._script[0]
        return item(request) if callable(item) else item

    def start(self) -> ScriptedOpenAI:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each reply waits 40 ms for a delayed ACK

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    request = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    request = {"unparsed": raw.decode("utf-8", "replace")}
                request["_path"] = self.path
                reply = owner._next(request)
                if reply.delay and owner._stopping.wait(reply.delay):
                    return  # shutting down: drop the hung request
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): expected in hang tests

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def cite_what_decided(request: dict[str, Any]) -> Reply:
    """A scripted drafter that behaves: it cites exactly the markers the user message
    lists under the deciding findings, and states no outcome or figure."""
    user = request["messages"][-1]["content"]
    deciding = user.split("Findings that decided")[1].split("Other findings")[0]
    cited = " ".join(dict.fromkeys(re.findall(r"\[[a-z0-9_-]+:p\d+:c\d+\]", deciding)))
    return Reply.draft(f"The guideline's criteria for this request are these {cited}.")
