"""What axe cannot see: the keyboard alone, no JavaScript, and how much a page weighs."""

from __future__ import annotations

import gzip

import pytest

from tests import answers as people
from tests.browser.checks import ARTIFACTS
from tests.browser.conftest import WEIGHTS
from tests.browser.walk import answer, finish, question_url, submit
from triage.engine import questions

pytestmark = pytest.mark.browser

FIRST_VISIT_LIMIT = 60 * 1024  # compressed bytes for the first page, with CSS and JS
LATER_PAGE_LIMIT = 15 * 1024  # compressed bytes for a question page after the first

ACTIVE = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), id: el.id, type: el.type || null, name: el.name || null,
          value: el.value || null, checked: Boolean(el.checked), cls: el.className || "",
          text: (el.innerText || "").trim()};
}"""


def tab_until(page, wanted, what: str, limit: int = 80) -> dict:
    """Press Tab until `wanted(focused)` holds; return what has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(ACTIVE)
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached {what}")


def press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_whole_journey_by_keyboard_alone(new_context):
    page = new_context().new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["cls"] == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate(ACTIVE)["id"] == "main-content"

    tab_until(page, lambda f: "btn-start" in f["cls"], "the start button")
    press_and_wait(page, "Enter")

    answers = people.OFFERED_ABROAD  # radios, and checkboxes on the offer question
    for question in questions.applicable(answers):
        assert page.url.endswith(question_url(question.key))
        name = f"{question.key}-answer"
        chosen = answers[question.key]
        if question.multiple:
            for value in chosen:
                tab_until(page, lambda f, v=value: f["value"] == v, f"the box {value}")
                page.keyboard.press("Space")
        else:
            first = tab_until(page, lambda f, n=name: f["name"] == n, f"{question.key}")
            assert first["value"] == question.values[0]
            steps = question.values.index(chosen)
            if steps == 0:
                page.keyboard.press("Space")
            for _ in range(steps):
                page.keyboard.press("ArrowDown")  # moving within a radio group selects
        checked = page.eval_on_selector_all(
            f"input[name='{name}']:checked", "els => els.map(e => e.value)"
        )
        assert checked == (chosen if question.multiple else [chosen])
        tab_until(page, lambda f: "btn-continue" in f["cls"], "Continue")
        press_and_wait(page, "Enter")

    assert page.url.endswith(question_url("check"))
    tab_until(page, lambda f: f["text"] == "Confirm and see your summary", "Confirm")
    press_and_wait(page, "Space")
    assert page.locator("h1").inner_text() == "Your information summary"


def test_the_journey_works_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    submit(page, "a.btn-start")
    submit(page)  # nothing chosen
    assert page.title().startswith("Error: ")
    assert page.locator(".error-summary").is_visible()

    answers = people.CROHNS_FISTULA_LOW_RISK
    steps = questions.applicable(answers)
    answer(page, steps[0], answers[steps[0].key])
    submit(page)
    # Back is a plain link without JavaScript, and the earlier answer is still there.
    with page.expect_navigation():
        page.click("a.back-link")
    assert page.is_checked(f"input[value='{answers['condition']}']")
    for question in steps:
        answer(page, question, answers[question.key])
        submit(page)
    submit(page)
    assert page.locator("h1").inner_text() == "Your information summary"
    assert not page.locator(".js-print").is_visible()  # printing needs the browser's menu


def test_back_from_the_summary_never_reaches_a_dead_end(new_context):
    """Browser Back from the summary, however far, leads to the summary or a page linking to it;
    "Start again" asks first, and its Cancel goes back to the summary."""
    page = new_context().new_page()
    summary_id = finish(page, people.LUPUS_UNSURE)
    summary_path = f"/summary/{summary_id}/"
    for _ in range(3):  # check answers, then the questions before it
        page.go_back()
        page.wait_for_load_state("load")
        heading = page.locator("h1").inner_text()
        assert "no longer available" not in heading
        if heading == "Check your answers":  # a copy the browser kept: confirming leads on
            submit(page)
            heading = page.locator("h1").inner_text()
        assert heading in ("You have finished the questionnaire", "Your information summary")
        if heading != "Your information summary":
            submit(page, f"main a[href='{summary_path}']")
            assert page.locator("h1").inner_text() == "Your information summary"
            page.go_back()

    page.goto(summary_path)
    submit(page, "text=Start again with different answers")
    assert page.locator("h1").inner_text() == "Start again with different answers?"
    submit(page, "text=No, go back to my summary")
    assert page.url.endswith(summary_path)
    submit(page, "text=Start again with different answers")
    submit(page)
    assert page.url.endswith(question_url("condition"))
    assert page.locator("input:checked").count() == 0


def weigh(page, action) -> dict:
    """What `action` makes the browser transfer: per response, the bytes as sent (this live
    server does not compress) and the same bodies gzipped, as a production server sends them."""
    finished = []

    def record(request):
        finished.append(request)

    page.on("requestfinished", record)
    action()
    page.wait_for_load_state("load")
    page.remove_listener("requestfinished", record)
    rows, raw, compressed = [], 0, 0
    for request in finished:
        sizes = request.sizes()
        headers, body = sizes["responseHeadersSize"], sizes["responseBodySize"]
        response = request.response()
        path = "/" + request.url.split("://", 1)[1].split("/", 1)[1]
        if headers + body <= 0:  # Chromium reports a cache hit as -headers bytes of body
            rows.append(f"{path} {response.status} from the browser's cache: 0 bytes")
            continue
        zipped = len(gzip.compress(response.body(), 6)) if body > 0 else 0
        raw += headers + body
        compressed += headers + zipped
        rows.append(f"{path} {response.status} headers {headers} body {body} gzipped {zipped}")
    return {"raw": raw, "gzip": compressed, "rows": rows}


def test_pages_are_light_and_ask_only_our_server(new_context, live_server):
    context = new_context()
    page = context.new_page()
    first = weigh(page, lambda: page.goto("/"))
    submit(page, "a.btn-start")
    answer(page, questions.BY_KEY["condition"], "lupus")
    later = weigh(page, lambda: submit(page))
    assert page.url.endswith(question_url("activity"))

    report = []
    for name, weight in (("first visit (start page)", first), ("later question page", later)):
        line = f"{weight['raw']:,} bytes as sent, {weight['gzip']:,} bytes gzipped"
        WEIGHTS[name] = line
        report += [f"{name}: {line}", *(f"  {row}" for row in weight["rows"]), ""]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "weights.txt").write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))
    assert new_context.foreign == [], "requests to other sites"
    assert first["gzip"] < FIRST_VISIT_LIMIT, report
    assert later["gzip"] < LATER_PAGE_LIMIT, report
