"""The app's benchmarks (`make bench`): a real server on 127.0.0.1 over a fresh data
folder with the example cases.

- sign-in to case view: in headless Chromium (Debian's, via Playwright), from submitting
  the sign-in form to a case opened from the queue with its findings and chart visible;
  p50 over 5 sign-ins after one warm-up, browser cache warm (target ≤ 1.5 s);
- 20 concurrent sessions: 20 CQEs, each with its own gradio_client session, open a case
  and ask one chat question at the same moment; p95 of each session's two calls (target
  ≤ 2 s offline), errors counted, and every view and question checked in the audit log.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from argon2 import PasswordHasher

from agent.access import Users
from agent.store import Store, store_path
from corpus.store import index_dir
from evals.app_client import CHROMIUM, CHROMIUM_ARGS, app_client

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "cases"
SESSIONS = 20
CASES = ["TM-2026-0398", "TM-2026-0377", "TM-2026-0360", "TM-2026-0421", "TM-2026-0412"]
QUESTION = "did the NDI change reach the MCID?"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _user(n: int) -> str:
    return f"bench-cqe-{n:02d}"


def start(index_home: Path, home: Path) -> tuple[subprocess.Popen[bytes], str, Store]:
    """`massage-review serve --demo` in its own process (as `make run` starts it) over a
    fresh data folder sharing the built index, with the bench's CQEs added first."""
    (home / "index").symlink_to(index_dir(index_home), target_is_directory=True)
    store = Store(store_path(home))
    users = Users(store, CHEAP_HASHER)
    for n in range(SESSIONS):
        users.add(_user(n), "cqe", f"password-{n:02d}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "agent.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--demo", "--demo-cases", str(EXAMPLES)],
        env={**os.environ, "MASSAGE_REVIEW_HOME": str(home), "MASSAGE_REVIEW_LLM": "offline"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/login", timeout=1).status_code == 200:
                return server, url, store
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the app did not start within 120 s")


def bench_browser(url: str, runs: int = 5) -> list[float] | str:
    """Seconds from the sign-in form's submit to a case view with findings and chart."""
    if not CHROMIUM.exists():
        return f"not measured: {CHROMIUM} is missing (make test installs it)"
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        # one context: the browser cache stays warm between sign-ins, as for a CQE who
        # signs in again; each run signs out first, so every run really signs in
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(20_000)
        for n in range(runs + 1):  # the first run warms the caches, not counted
            page.goto(url + "/logout")
            page.fill("#username", _user(n % SESSIONS))
            page.fill("#password", f"password-{n % SESSIONS:02d}")
            started = time.perf_counter()
            page.click("#sign-in")
            cell = page.locator("#mr-queue").get_by_text(CASES[0], exact=True)
            cell.filter(visible=True).first.click()
            page.locator("#mr-findings").first.wait_for()
            page.locator("figure.mr-chart").first.wait_for()
            if n:
                timings.append(time.perf_counter() - started)
        browser.close()
    return timings


def bench_concurrent(url: str, store: Store) -> tuple[list[float], int, int]:
    """(seconds per session for open + ask, errors, audit events missing)."""
    clients = [app_client(url, _user(n), f"password-{n:02d}") for n in range(SESSIONS)]
    for client in clients:  # warm-up: every session once, untimed
        client.predict(api_name="/whoami")
    clients[0].predict(CASES[0], QUESTION, [], api_name="/ask")
    barrier = threading.Barrier(SESSIONS)
    timings: list[float] = []
    errors: list[BaseException] = []

    def session(n: int) -> None:
        case_id = CASES[n % len(CASES)]
        barrier.wait()
        started = time.perf_counter()
        try:
            clients[n].predict(case_id, api_name="/open_case")
            clients[n].predict(case_id, QUESTION, [], api_name="/ask")
        except Exception as error:  # counted and reported, not raised
            errors.append(error)
            return
        timings.append(time.perf_counter() - started)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    events = {(e.user, e.action, e.case_id) for e in store.audit()}
    missing = sum(
        (_user(n), action, CASES[n % len(CASES)]) not in events
        for n in range(SESSIONS)
        for action in ("view", "ask")
    )
    return timings, len(errors), missing


def report(index_home: Path, percentile: Callable[[list[float], float], float]) -> None:
    """Run both app benchmarks against a served app and print their figures."""
    with tempfile.TemporaryDirectory() as folder:
        server, url, store = start(index_home, Path(folder))
        try:
            browser = bench_browser(url)
            timings, errors, missing = bench_concurrent(url, store)
        finally:
            server.terminate()
            server.wait(timeout=30)
            store.close()
    if isinstance(browser, str):
        print(f"app sign-in to case view (browser): {browser}")
    else:
        print(
            f"app sign-in to case view (headless Chromium, {len(browser)} runs): "
            f"p50 {percentile(browser, 50):.2f} s, max {max(browser):.2f} s "
            "(target p50 ≤ 1.5 s)"
        )
    p95 = f"{percentile(timings, 95):.2f} s" if timings else "n/a"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"app {SESSIONS} concurrent sessions (open a case + one chat question, offline): "
        f"p95 {p95}, errors {errors}, audit events missing {missing} "
        f"(target p95 ≤ 2 s, no errors, none missing; load average {load} on "
        f"{os.cpu_count()} cores)"
    )
