"""One small stylesheet: static/css/app.css is what `manage.py build_css` makes from the
Bootstrap we ship and our site.css, and it is the only stylesheet a patient's page loads."""

import re

import pytest

from triage.platform import css_build

pytestmark = pytest.mark.usefixtures("loaded_rules")


def test_app_css_is_up_to_date_with_its_sources():
    assert css_build.OUTPUT.read_text(encoding="utf-8") == css_build.build(), (
        "static/css/app.css is out of date: run `manage.py build_css` and commit it"
    )


def test_a_page_loads_one_stylesheet(client):
    html = client.get("/").content.decode()
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets == ["/static/css/app.css"]


def test_only_the_rules_pages_can_use_are_kept():
    words = {"btn", "btn-primary"}
    css = css_build.build(words)
    assert ".btn-primary{" in css
    assert ".btn-secondary" not in css  # a class no page uses
    assert ".modal" not in css
    assert "data-bs-theme=dark" not in css
    assert "@keyframes spinner-border" not in css  # nothing animates with it
    assert ".site-header" in css  # our own rules are all kept


def test_a_selector_list_keeps_the_selectors_that_can_match():
    css = css_build._join(css_build._purge(".a,.b>p,h1{color:red}.b{x:y}", {"a"}))
    assert css == ".a,h1{color:red}"


def test_custom_properties_that_nothing_reads_are_dropped():
    blocks = css_build._blocks(":root{--bs-used:1px;--bs-unused:2px}.a{width:var(--bs-used)}")
    assert css_build._join(css_build._prune_unread(blocks, "")) == (
        ":root{--bs-used:1px}.a{width:var(--bs-used)}"
    )
