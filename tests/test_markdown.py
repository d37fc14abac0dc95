"""Section bodies: Markdown as editors write it, rendered safely."""

from triage.platform.markdown import render_markdown


def test_a_list_straight_after_a_paragraph_is_a_list():
    html = render_markdown("Warning signs:\n- **Paying up front.** Trials rarely charge.\n- Travel")
    assert html.startswith("<p>Warning signs:</p>\n<ul>\n<li><strong>Paying up front.")
    assert " - " not in html


def test_a_wrapped_list_item_stays_one_item():
    html = render_markdown("- one\ncontinued\n- two")
    assert html.count("<li>") == 2


def test_script_an_editor_typed_never_reaches_the_page():
    html = render_markdown("Hello <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in html and "javascript:" not in html
