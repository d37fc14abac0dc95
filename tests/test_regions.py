""" "What is approved" is written as one part per region (UK, EU, US); the summary shows the
person's region first and leaves everything else as written."""

from __future__ import annotations

import pytest

from tests import answers as people
from triage.engine.regions import heading_region, region_first, split_parts

BODY = (
    "Opening words.\n\n"
    "### What the trials found\nTrial text.\n\n"
    "### What is approved in the UK\nUK text.\n\n"
    "### What is approved in the EU\nEU text.\n\n"
    "### What is approved in the US\nUS text.\n\n"
    "### Other options\nLast words.\n"
)


def headings(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("### ")]


def test_parts_join_back_to_the_body():
    assert "".join(split_parts(BODY)) == BODY
    assert split_parts("No headings.") == ["No headings."]


@pytest.mark.parametrize(
    ("heading", "region"),
    [
        ("### What is approved in the UK", "uk"),
        ("### In the EU: licensed and available", "eu"),
        ("### Paid for in the US", "us"),
        ("### What is approved for the US", "us"),
        ("### The UKIAH study", None),
        ("### What the trials found", None),
    ],
)
def test_a_heading_names_its_region(heading, region):
    assert heading_region(heading + "\ntext\n") == region


@pytest.mark.parametrize(
    ("region", "first"),
    [("uk", "UK"), ("eu", "EU"), ("us", "US")],
)
def test_the_persons_region_comes_first_and_the_rest_keep_their_order(region, first):
    result = region_first(BODY, region)
    found = headings(result)
    assert found[0] == "### What the trials found"
    assert found[1] == f"### What is approved in the {first}"
    assert [h for h in found[1:4] if not h.endswith(first)] == [
        h for h in headings(BODY)[1:4] if not h.endswith(first)
    ]
    assert found[-1] == "### Other options"
    assert result.startswith("Opening words.\n\n") and result.endswith("Last words.\n")
    assert sorted(result.split("\n\n")) == sorted(BODY.split("\n\n"))  # nothing lost or added


@pytest.mark.parametrize("region", ["other", None, "", "xx"])
def test_other_regions_and_bodies_without_region_parts_are_unchanged(region):
    assert region_first(BODY, region) == BODY
    assert region_first("Plain text.\n\n### A part\nx\n", "uk") == "Plain text.\n\n### A part\nx\n"


def test_the_engine_module_stays_pure():
    from pathlib import Path

    import triage.engine.regions as module

    assert "django" not in Path(module.__file__).read_text(encoding="utf-8")


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded_rules")
@pytest.mark.parametrize("region", ["uk", "eu", "us"])
def test_the_summary_page_shows_the_persons_region_first(client, region):
    from tests.journey import finish

    answers = {**people.REFRACTORY_MS_HIGH_RISK, "region": region}
    page = finish(client, answers).content.decode()
    names = {"uk": "UK", "eu": "EU", "us": "US"}
    positions = {r: page.find(f"What is approved in the {name}") for r, name in names.items()}
    assert all(p > 0 for p in positions.values()), positions
    assert positions[region] == min(positions.values())
