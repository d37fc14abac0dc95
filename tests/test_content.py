"""The shipped section texts: the facts of the November 2026 evidence review that a test can
check, plain words measured, abbreviations explained, sources dated.

These read ``fixtures/`` directly (no database), so a fixture edit that undoes a correction fails
here before it is ever loaded. A clinician still has to sign the content off; see the README.
"""

import re
from datetime import date

import pytest

from tests import answers as people
from tests.fixture_rows import SECTION_ROWS as ROWS
from triage.authoring import readability
from triage.engine import rules, slugs
from triage.engine.rules import evaluate
from triage.templatetags.triage_tags import render_markdown

SECTIONS = {r["fields"]["slug"]: r["fields"] for r in ROWS if r["model"] == "triage.section"}
SOURCES = [r["fields"] for r in ROWS if r["model"] == "triage.source"]
REVIEWS = {"2026-11-30", "2026-12-01"}  # the November review, and the December fact-check (10)
EVIDENCE_PAGES = [slug for slug in SECTIONS if slug.startswith("evidence-")]

# What each abbreviation used on the pages stands for: each page spells it out where it is
# first used (a reader may land on any page first).
ABBREVIATIONS = {
    "EBMT": "European Society for Blood and Marrow Transplantation",
    "JACIE": "Joint Accreditation Committee",
    "FACT": "Foundation for the Accreditation of Cellular Therapy",
    "HSCT": "haematopoietic stem cell transplant",
    "GVHD": "graft-versus-host disease",
    "ATG": "anti-thymocyte globulin",
    "CRS": "cytokine release syndrome",
    "ICANS": "immune effector cell-associated neurotoxicity syndrome",
    "MSC": "mesenchymal stromal cell",
    "CAR-T": "chimeric antigen receptor T",
    "FDA": "US Food and Drug Administration",
    "EMA": "European Medicines Agency",
    "ISSCR": "International Society for Stem Cell Research",
    "ISCT": "International Society for Cell and Gene Therapy",
    "ASBMT": "American Society for Blood and Marrow Transplantation",
    "CIBMTR": "Center for International Blood and Marrow Transplant Research",
    "MS": "multiple sclerosis",
    "MRI": "magnetic resonance imaging",
    "SLE": "systemic lupus erythematosus",
    "G-CSF": "granulocyte colony-stimulating factor",
    "ITP": "immune thrombocytopenia",
}


def words(slug: str) -> str:
    """A section's title, key point and body as a reader sees them (tags removed)."""
    s = SECTIONS[slug]
    body = re.sub(r"<[^>]+>", "", s["body"])
    return " ".join((s["title"], s["summary"], body))


def sources_of(slug: str) -> list[dict]:
    return [s for s in SOURCES if s["section"][0] == slug]


# --- 9.1: what was wrong ------------------------------------------------------------------


def test_the_2019_patient_statement_is_cited_by_its_real_first_author_and_title():
    statement = [s for s in SOURCES if "s41409-019-0430-7" in s["url"] or "6760538" in s["url"]]
    assert len(statement) >= 8, "the statement is still cited on the pages that used it"
    for source in statement:
        assert not source["label"].startswith("Snowden"), source["label"]
        assert source["label"].startswith("Jessop H et al. General information for patients")
        assert source["year"] == 2019


def test_no_source_points_at_a_preview_host_and_snowden_2012_is_cited_by_its_doi():
    assert not [s["url"] for s in SOURCES if "preview-" in s["url"]]
    for source in SOURCES:
        if source["label"].startswith("Snowden JA et al. Haematopoietic SCT"):
            assert source["url"] == "https://doi.org/10.1038/bmt.2011.185"
            assert "European Group for Blood and Marrow Transplantation" in source["label"]


def test_society_positions_say_when_they_were_made():
    """A position is quoted as "In 2012 the EBMT …", never as if current."""
    for slug, s in SECTIONS.items():
        body = re.sub(r"<[^>]+>", "", s["body"])
        assert not re.search(r"\*\*(EBMT|ASBMT) \(\d{4}\)", body), slug
        if "### What expert groups said" in body:
            block = body.split("### What expert groups said", 1)[1].split("\n### ", 1)[0]
            items = [line for line in block.splitlines() if line.startswith("- ")]
            assert items, slug
            for line in items:
                assert re.match(r"- \*\*In (19|20)\d\d the ", line), (slug, line)
    assert "In 2012 the" in words("evidence-lupus")


def test_lupus_names_both_donor_categories_of_2012():
    text = words("evidence-lupus")
    assert '"developmental"' in text and '"generally not recommended"' in text
    assert "brother or sister" in text and "unrelated donor" in text


def test_crohns_names_astic_and_asticlite_and_does_not_call_the_evidence_strong():
    text = words("evidence-crohns")
    assert "ASTIC" in text and "45 people" in text and "one person died" in text
    assert "ASTIClite" in text and "99 people" in text and "after 23 had been put" in text
    assert "38 serious side effects" in text and "against 16" in text  # why it stopped (10.2)
    assert "about 6 in 100 people with Crohn's disease died because of HSCT" in text  # Qiu 2017
    assert "did not meet its strict main goal" in text
    assert "the only sizeable randomised trial" not in text
    assert {s["url"] for s in sources_of("evidence-crohns")} >= {
        "https://jamanetwork.com/journals/jama/fullarticle/2475462",
        "https://doi.org/10.1016/S2468-1253(23)00460-0",
    }


def test_mist_gives_group_sizes_the_hazard_ratio_follow_up_and_the_comparators_limits():
    text = words("evidence-ms-relapsing")
    for fact in ("55 had", "55 switched", "3 of the 55", "34 of the 55", "0.07", "0.02 to 0.24"):
        assert fact in text, fact
    assert "about 2 years" in text and "No one in the trial died" in text
    assert "did not include some of today's strongest MS medicines" in text
    # 10.1.4: raw counts over follow-up of different lengths, no relative reduction in 100s
    assert "These are counts, not rates over a set time" in text
    assert "93 in 100" not in text and "5 in 100 against 62 in 100" not in text
    assert "alemtuzumab and ocrelizumab" in text


def test_secondary_autoimmunity_says_where_the_number_comes_from():
    text = words("hsct-risks")
    assert "29 of 347" in text and "(Daikeler, 2011)" in text
    # 10.1.8: 29 of 347 is about 8 in 100; the 10 in 100 is the study's 5-year estimate
    assert (
        "about 8 in every 100" in text and "about 10 in every 100 would have one by 5 years" in text
    )
    for slug in SECTIONS:
        assert "29 of 347 people developed a new autoimmune condition within 5 years" not in words(
            slug
        ), slug
    assert "14 in 100" in text and "alemtuzumab" in text and "0 to 3 in 100" in text


def test_the_lupus_registry_count_is_dated():
    assert "By about 2018, about 110 people with lupus" in words("evidence-lupus")


def test_same_day_procedures_name_stromal_vascular_fraction_not_bone_marrow():
    text = words("tourism-warning")
    assert "stromal vascular fraction" in text
    same_day = text[text.index("Cells taken out and put back on the same day") :][:400]
    assert "bone marrow" not in same_day


# --- 9.2: benefit beside harm, in natural frequencies ----------------------------------


@pytest.mark.parametrize(
    ("slug", "benefit", "harm"),
    [
        ("evidence-ms-relapsing", "3 of the 55", "2 in every 100 died"),
        ("evidence-systemic-sclerosis", "about 72 in 100 people who had HSCT", "8 of the 79"),
        (
            "evidence-systemic-sclerosis",
            "79 in 100 people who had HSCT",
            "Harm over the same 54 months",
        ),
        (
            "evidence-lupus",
            "about 29 in 100 were alive with no sign of lupus",
            "about 15 in 100 died",
        ),
        ("evidence-crohns", "3 of 7 after HSCT", "38 serious side effects"),
        ("evidence-type1-diabetes", "10 no longer needed insulin", "Two people in the trial died"),
        ("car-t-cell-therapy", "all 15 had stopped", "11 of the 15"),
    ],
)
def test_a_page_that_states_a_benefit_number_states_the_matching_harm(slug, benefit, harm):
    text = words(slug)
    assert benefit in text and harm in text


def test_the_risk_page_gives_deaths_gvhd_and_infertility_in_numbers():
    text = words("hsct-risks")
    for fact in ("2 in every 100", "1 in 500", "21 in 100", "28 in 100", "13 in 100"):
        assert fact in text, fact
    assert "infertility" in text


# --- 9.3 and 9.4: what is approved and what is new ---------------------------------------


def test_scot_figures_are_labelled_per_protocol_and_astis_gives_its_benefit():
    text = words("evidence-systemic-sclerosis")
    assert "per-protocol analysis" in text and "33 with HSCT, 34 with cyclophosphamide" in text
    assert "Counting everyone put into each group" in text and "72 in 100 against 49 in 100" in text
    assert "86 in every 100" not in text  # a 72-month benefit with no 72-month harm to match
    assert "about 72 in 100" in text and "about 60 in 100" in text  # ASTIS, same 5.8 years


@pytest.mark.parametrize("slug", [*EVIDENCE_PAGES, "car-t-cell-therapy"])
def test_what_is_approved_says_licensed_and_regulated_care_for_the_uk_eu_and_us(slug):
    body = SECTIONS[slug]["body"]
    for region in ("UK", "EU", "US"):
        heading = f"### What is approved in the {region}\n"
        assert heading in body, (slug, region)
        part = body.split(heading, 1)[1].split("\n### ", 1)[0]
        assert "**Licensed products:**" in part and "**In regulated care:**" in part, (slug, region)
        # only list items: the summary moves the person's region first (triage.engine.regions),
        # so no paragraph may ride along under a region heading
        assert all(line.startswith("- ") for line in part.strip().splitlines()), (slug, region)
    assert "As of November 2026" not in body


@pytest.mark.parametrize("slug", EVIDENCE_PAGES)
def test_every_evidence_page_names_the_nearest_approved_products_and_hsct_as_a_procedure(slug):
    text = words(slug)
    assert "Ryoncil" in text and "for children" in text
    if slug != "evidence-type1-diabetes":
        assert "HSCT is a procedure, not a product" in text


def test_the_uk_part_for_ms_names_the_nhs_policy_scotland_and_wales():
    body = SECTIONS["evidence-ms-relapsing"]["body"]
    uk = body.split("### What is approved in the UK\n", 1)[1].split("\n### ", 1)[0]
    for fact in ("2013", "2015", "Scottish Health Technologies Group", "Health Technology Wales"):
        assert fact in uk, fact


def test_the_ms_trials_under_way_are_named():
    text = words("evidence-ms-relapsing")
    for trial in ("BEAT-MS", "156 people", "RAM-MS", "100 people", "StarMS", "198", "2027"):
        assert trial in text, trial
    # 10.1.9: StarMS stopped at 94; 156 is BEAT-MS's plan; RAM-MS no longer recruiting
    assert "with 94 in the trial" in text and "plans to include 156 people" in text
    assert "2029" in text and "no longer taking new people" in text


def test_systemic_sclerosis_names_upside_and_diabetes_names_zimislecel_and_lantidra():
    assert "UPSIDE" in words("evidence-systemic-sclerosis")
    text = words("evidence-type1-diabetes")
    assert "Zimislecel" in text and "Lantidra" in text and "not a stem-cell product" in text
    assert "14 stopped insulin" in text and "no comparison group" in text
    # 10.1.5: a chosen group; "regulated care", not "only inside trials"; no undated licence claim
    assert "a chosen group" in text and "could no longer feel their blood sugar dropping" in text
    assert (
        "In regulated care" in text
        and "Stem-cell treatments for type 1 diabetes are only given" not in text
    )


def test_car_t_for_stiff_person_syndrome_is_named_with_its_status():
    for slug in ("evidence-neuro-other", "car-t-cell-therapy"):
        text = words(slug)
        assert "KYSA-8" in text and "miv-cel" in text and "26 people" in text, slug
        assert "could not confirm a decision" in text, slug


def test_evidence_other_says_the_crohns_trial_had_already_missed_its_goal():
    text = words("evidence-other")
    assert "had already missed its main goal" in text and "later missed" not in text


def test_approved_protocols_key_point_says_who_said_it_and_when():
    assert SECTIONS["approved-protocols"]["summary"].startswith("In 2019 experts said")


def test_stem_cell_basics_cites_the_isscr_patient_site_for_what_is_proven():
    text = words("stem-cells-basics")
    assert "(ISSCR, 2021)" not in text and "patient website, A Closer Look at Stem Cells" in text


def test_sharrack_2020_is_cited_by_its_full_title():
    for source in SOURCES:
        if source["label"].startswith("Sharrack B"):
            assert "updated guidelines and recommendations from the EBMT" in source["label"]


def test_car_t_is_shown_for_refractory_lupus_with_its_risks_and_only_in_trials(shipped_ruleset):
    shown = [s.slug for s in evaluate(people.LUPUS_REFRACTORY, shipped_ruleset)]
    assert "car-t-cell-therapy" in shown
    text = words("car-t-cell-therapy")
    for risk in (
        "Cytokine release syndrome",
        "immune effector cell-associated neurotoxicity syndrome",
        "Infections",
        "Low blood counts",
        "chemotherapy",
    ):
        assert risk in text, risk
    # 10.1.3: the first lupus patients were treated under compassionate use, not in a trial
    assert "only given inside registered clinical trials" not in text
    assert "compassionate-use programme, not in a trial" in text and "(Mougiakakos, 2021)" in text
    for fact in ("5 people", "15 people", "8 with lupus", "3 with myositis", "4 with systemic"):
        assert fact in text, fact
    for harm in ("11 of the 15", "mild in 10", "1 of the 15", "pneumonia"):
        assert harm in text, harm
    assert "came back" in text  # relapses since reported


def test_car_t_is_not_shown_when_lupus_is_under_control(shipped_ruleset):
    answers = {**people.LUPUS_REFRACTORY, "treatment_history": "responding"}
    assert "car-t-cell-therapy" not in [s.slug for s in evaluate(answers, shipped_ruleset)]


# --- review dates and dated sources ----------------------------------------------------


def test_every_section_was_reviewed_on_a_review_date_and_is_due_within_six_months():
    for slug, s in SECTIONS.items():
        assert s["last_reviewed"] in REVIEWS, slug
        reviewed = date.fromisoformat(s["last_reviewed"])
        due = date.fromisoformat(s["next_review"])
        assert date(2026, 12, 1) <= due and (due - reviewed).days <= 183, slug


def test_every_published_source_has_its_year():
    for source in SOURCES:
        if "doi.org" in source["url"] or "pmc.ncbi" in source["url"]:
            assert source["year"], source["label"]
        if source["year"]:
            assert 1990 < source["year"] <= 2026, source["label"]


# --- plain words --------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(SECTIONS))
def test_every_section_meets_the_reading_grade_targets(slug):
    s = SECTIONS[slug]
    grades = readability.grades(s["summary"], s["body"])
    assert grades.body <= 8.5, grades.body_hardest
    assert grades.key_point <= 10, s["summary"]
    assert readability.check(s["summary"], s["body"]) == []


def test_the_sections_together_meet_the_reading_grade_targets():
    bodies = readability.grade_together(
        readability.plain_text(s["body"]) for s in SECTIONS.values()
    )
    key_points = readability.grade_together(s["summary"] for s in SECTIONS.values())
    assert bodies <= 7
    assert key_points <= 8


@pytest.mark.parametrize("slug", sorted(SECTIONS))
def test_each_key_point_is_one_sentence_under_140_characters(slug):
    summary = SECTIONS[slug]["summary"]
    assert len(summary) < 140
    assert len(readability.sentences(summary)) == 1, summary


@pytest.mark.parametrize("slug", sorted(SECTIONS))
def test_every_abbreviation_is_spelled_out_where_a_page_first_uses_it(slug):
    body = re.sub(r'title="[^"]*"', "", SECTIONS[slug]["body"])
    text = re.sub(r"<[^>]+>", "", body)
    for short, full in ABBREVIATIONS.items():
        match = re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text)
        if match:
            assert full.lower() in text[: match.start()].lower(), (slug, short)


def test_abbreviations_keep_their_expansion_when_rendered():
    html = render_markdown(SECTIONS["approved-protocols"]["body"])
    assert '<abbr title="European Society for Blood and Marrow Transplantation">EBMT</abbr>' in html


# --- the built-in mandatory text is the fixture's ----------------------------------------


def named_in_code():
    """Every slug engine/slugs.py declares, alone, in a tuple or as a value of a table."""
    found = set()
    for name, value in vars(slugs).items():
        if name.isupper():
            values = value.values() if isinstance(value, dict) else value
            found.update([values] if isinstance(values, str) else values)
    return found


def test_every_section_the_code_names_is_shipped():
    assert named_in_code() - set(SECTIONS) == set()


@pytest.mark.parametrize("slug", slugs.MANDATORY)
def test_the_built_in_mandatory_sections_match_the_fixture(slug):
    built_in = rules.builtin_section(slug)
    shipped = SECTIONS[slug]
    assert (built_in.title, built_in.summary, built_in.body) == (
        shipped["title"],
        shipped["summary"],
        shipped["body"],
    )
    assert [(s.label, s.url, s.year) for s in built_in.sources] == [
        (s["label"], s["url"], s["year"]) for s in sources_of(slug)
    ]


def test_the_summary_shows_each_sources_date_and_old_summaries_still_render():
    from django.template.loader import render_to_string

    def item(source):
        return render_to_string("triage/includes/source.html", {"source": source})

    assert "(2019)" in item({"label": "A", "url": "https://example.org", "year": 2019})
    checked = {"label": "A", "url": "https://example.org", "year": None, "checked": "2026-11-30"}
    assert "(undated, checked 30 November 2026)" in item(checked)
    assert "(undated)" in item({"label": "A", "url": "https://example.org", "year": None})
    stored_before_dates = item({"label": "A", "url": "https://example.org"})
    assert 'href="https://example.org"' in stored_before_dates and "(" not in stored_before_dates
