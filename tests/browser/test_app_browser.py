"""The app in a real browser: what a CQE and a practitioner do, a locked sign-in, and an
idle session's end. Screens are saved to reports/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.app_server import ATTENTION_CASE, FINAL_CASE, RETURNED_CASE, RunningApp, password

TIMEOUT = 15_000
RED_FLAG_CASE = "TM-2026-0421"


def signed_in_page(browser: Any, app: RunningApp, name: str, secret: str | None = None) -> Any:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app.url + "/")
    assert page.url.endswith("/login")  # nothing of the app before sign-in
    page.fill("#username", name)
    page.fill("#password", secret or password(name))
    page.click("#sign-in")
    return page


def open_from_queue(page: Any, case_id: str) -> None:
    page.locator("#mr-queue").get_by_text(case_id, exact=True).filter(visible=True).first.click()
    page.locator("#mr-facts").get_by_text(case_id, exact=False).wait_for()


def test_a_cqe_works_a_case_from_the_queue_to_a_decision(
    browser: Any, app: RunningApp, screenshots: Path
) -> None:
    page = signed_in_page(browser, app, "ann")
    page.locator("#mr-who").get_by_text("ann").wait_for()
    page.click("#mr-refresh")
    page.locator("#mr-queue").get_by_text(ATTENTION_CASE).first.wait_for()
    assert page.locator("#mr-queue").get_by_text("ATTENTION 1").count() >= 1
    page.screenshot(path=screenshots / "queue.png", full_page=True)

    open_from_queue(page, RED_FLAG_CASE)
    page.locator('details.mr-finding[data-code="RED_FLAG"]').first.wait_for()
    page.locator("mark.mr-evidence", has_text="weight loss").first.wait_for()
    assert page.locator("figure.mr-chart rect.mr-band").count() == 2  # NPRS and ODI
    page.locator("details.mr-finding summary").first.click()  # opens to the passage
    page.locator("blockquote.mr-passage").first.wait_for()
    page.screenshot(path=screenshots / "case-view.png", full_page=True)

    open_from_queue(page, ATTENTION_CASE)
    page.locator('#mr-attention li[data-state="unsettled"]').first.wait_for()
    page.locator("mark.mr-evidence", has_text="left calf swollen, warm and tender").first.wait_for()
    page.locator("#mr-resolution").get_by_text("dismissed").click()
    page.locator("#mr-settle-reason textarea").fill("Calf findings are old and documented.")
    page.click("#mr-settle")
    page.locator('#mr-attention li[data-state="dismissed"]').first.wait_for()

    page.locator("#mr-action").get_by_text("modify").click()
    page.locator("#mr-outcome input").click()
    page.get_by_role("option", name="partially_approved").click()
    page.locator("#mr-visits input").fill("4")
    page.locator("#mr-weeks input").fill("2")
    page.locator("#mr-reason textarea").fill("Two weeks first, then re-assess.")
    page.click("#mr-decide")
    page.locator("#mr-facts").get_by_text("modify by ann").wait_for()
    page.screenshot(path=screenshots / "decision.png", full_page=True)

    page.locator("#mr-case-id textarea").fill("TM-2026-0398")
    page.click("#mr-open")
    page.locator("#mr-facts").get_by_text("TM-2026-0398").wait_for()
    page.locator("#mr-action").get_by_text("approve").click()
    page.click("#mr-decide")
    page.locator("#mr-facts").get_by_text("approve by ann").wait_for()

    page.get_by_role("tab", name="Audit").click()
    page.locator("#mr-audit-user textarea").fill("ann")
    page.click("#mr-audit-show")
    audit = page.locator("#mr-audit")
    for action in ("decide-approve", "decide-modify", "settle-dismissed", "view"):
        audit.get_by_text(action, exact=True).filter(visible=True).first.wait_for()
    page.screenshot(path=screenshots / "audit.png", full_page=True)
    page.context.close()


def test_a_practitioner_sees_their_cases_reads_the_letter_asks_why_and_is_refused_another(
    browser: Any, app: RunningApp, screenshots: Path
) -> None:
    page = signed_in_page(browser, app, "ortiz")
    page.get_by_role("tab", name="My cases").click()
    mine = page.locator("#mr-mine")
    mine.get_by_text(FINAL_CASE).filter(visible=True).first.wait_for()
    assert mine.get_by_text(RETURNED_CASE).count() == 0  # lee's case
    assert page.get_by_role("tab", name="Queue").count() == 0

    page.locator("#mr-my-id textarea").fill(FINAL_CASE)
    page.click("#mr-my-open")
    page.locator("#mr-letter").get_by_text("approved", exact=False).first.wait_for()
    page.click("#mr-my-download")
    link = page.locator("#mr-letter-file")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    assert "approved" in Path(download.value.path()).read_text(encoding="utf-8").lower()

    page.locator("#mr-why textarea").fill("Why was this decided this way?")
    page.locator("#mr-why textarea").press("Enter")
    page.locator("#mr-why-chat").get_by_text("Sources", exact=False).first.wait_for()
    page.screenshot(path=screenshots / "practitioner.png", full_page=True)

    page.locator("#mr-my-id textarea").fill(RETURNED_CASE)
    page.click("#mr-my-open")
    page.get_by_text("no case with this id that you may see").first.wait_for()
    refusals = [e for e in app.services.store().audit(RETURNED_CASE) if e.user == "ortiz"]
    assert [e.action for e in refusals] == ["view-refused"]
    page.context.close()


def test_five_failed_sign_ins_lock_the_account(browser: Any, app: RunningApp) -> None:
    page = browser.new_context().new_page()
    page.set_default_timeout(TIMEOUT)
    for _ in range(5):
        page.goto(app.url + "/login")
        page.fill("#username", "locked-browser")
        page.fill("#password", "not-the-password")
        page.click("#sign-in")
        page.get_by_text("Sign-in refused").wait_for()
    page.fill("#username", "locked-browser")
    page.fill("#password", password("locked-browser"))
    page.click("#sign-in")
    page.get_by_text("Sign-in refused").wait_for()  # the right password, still locked
    actions = [e.action for e in app.services.store().audit() if e.user == "locked-browser"]
    assert "sign-in-locked" in actions and actions[-1] == "sign-in-refused-locked"
    page.context.close()


def test_an_idle_session_ends(browser: Any, app: RunningApp) -> None:
    """Last in this file: it moves the shared server's clock past every idle limit."""
    page = signed_in_page(browser, app, "bea")
    page.locator("#mr-who").get_by_text("bea").wait_for()
    app.clock.advance(minutes=31)
    page.reload()
    assert page.url.endswith("/login")
    actions = [e.action for e in app.services.store().audit() if e.user == "bea"]
    assert actions[-1] == "session-expired"
    page.context.close()
