"""Issue 18, finding 4: after "Delete my answers" on a shared computer, Back shows no answers.

Every page with answers is sent with `Cache-Control: no-store, private`, so Chromium asks the
server again when Back reaches it, and the server says the summary was deleted; site.js
reloads any page a browser restores from its back-forward cache anyway.
"""

from __future__ import annotations

import pytest

from tests import answers as people
from tests.browser.walk import finish, submit

pytestmark = pytest.mark.browser

# What shows a person's answers: the answers list, the key points, the sheet's answers line,
# a chosen option on a question page.
ANSWERS_SHOWN = (
    ".summary-list__value, #key-points, .sheet__answers, .key-points__item, input:checked"
)


def shown(page) -> dict:
    return {
        "url": page.url,
        "answers": page.locator(ANSWERS_SHOWN).count(),
        "text": page.locator("body").inner_text(),
    }


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_after_deleting_the_summary_shows_no_answers(new_context, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    finish(page, people.OFFERED_ABROAD)
    answers = page.locator(".summary-list__value").all_inner_texts()
    assert answers and page.locator("#key-points li").count()
    # The appointment sheet, back to the summary, then delete.
    page.click("#print-sheet")
    page.wait_for_load_state()
    assert page.locator(".sheet__answers").count() == 1
    page.click("a.back-link")
    page.wait_for_load_state()
    page.click("text=Delete my answers")
    page.wait_for_load_state()
    submit(page, "main form button[type=submit]")
    assert "This summary has been deleted" in page.locator("h1").inner_text()
    # Back, all the way through the summary, the sheet, check answers and the questions.
    seen = []
    for _ in range(12):
        if page.go_back(wait_until="load") is None:
            break
        page.wait_for_load_state("load")
        state = shown(page)
        seen.append(state["url"])
        assert state["answers"] == 0, state["url"]
        for answer in answers:
            if len(answer) > 12:  # long enough not to be an option's label by chance
                assert answer not in state["text"], (state["url"], answer)
    assert any("/sheet/" in url for url in seen), seen  # Back did reach the sheet
    assert any(url.endswith("/questions/check/") for url in seen), seen
