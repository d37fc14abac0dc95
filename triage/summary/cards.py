"""Turn the engine's result into cards: the shape stored with a submission, shown on the
summary page and printed by `manage.py evaluate`. Each card follows a CDS Hooks card
(summary, detail, indicator, source, links) plus our own title, reasons and review dates."""

from __future__ import annotations

from collections.abc import Mapping

from triage.engine.rules import RuleSet, Shown, evaluate
from triage.engine.slugs import CLINICAL_TRIALS
from triage.platform.markdown import markdown_without_html, plain_text
from triage.summary import registries

# What `manage.py evaluate` and the cards API print of each card.
PUBLIC_FIELDS = ("slug", "title", "summary", "detail", "indicator", "source", "links", "reasons")


def build_cards(answers: Mapping[str, object], ruleset: RuleSet) -> list[dict]:
    return [_card(item, answers, ruleset) for item in evaluate(answers, ruleset)]


def _card(item: Shown, answers: Mapping[str, object], ruleset: RuleSet) -> dict:
    section = ruleset.section(item.slug)
    sources = [
        {"label": s.label, "url": s.url, "year": s.year, "checked": s.checked}
        for s in section.sources
    ]
    links = [{"label": s["label"], "url": s["url"], "type": "absolute"} for s in sources]
    registry = []
    if item.slug == CLINICAL_TRIALS:
        registry = [
            link.as_card_link()
            for link in registries.links_for(
                str(answers.get("condition", "other")), str(answers.get("region", "other"))
            )
        ]
    return {
        "slug": item.slug,
        "title": section.title,
        "summary": section.summary,
        "detail": section.body,
        "indicator": section.indicator,
        "source": (
            {"label": sources[0]["label"], "url": sources[0]["url"]}
            if sources
            else {"label": "Stem Cell Triage", "url": ""}
        ),
        "sources": sources,
        "links": registry + links,
        "registry_links": registry,
        "reasons": item.reasons(),
        "named": list(item.named),
        "rules": list(item.rules),
        "mandatory": item.mandatory,
        "last_reviewed": section.last_reviewed,
        "next_review": section.next_review,
    }


def public_card(card: Mapping) -> dict:
    """A card as other systems get it: the public fields, with the editors' texts sanitised
    by the site's own sanitiser (triage/platform/markdown.py). `detail` stays Markdown, which
    CDS Hooks clients render, without raw HTML or links to unsafe schemes; the title, the
    summary and every link's label are plain text."""
    public = {key: card[key] for key in PUBLIC_FIELDS}
    public["title"] = plain_text(card["title"])
    public["summary"] = plain_text(card["summary"])
    public["detail"] = markdown_without_html(card["detail"])
    public["source"] = {**card["source"], "label": plain_text(card["source"]["label"])}
    public["links"] = [{**link, "label": plain_text(link["label"])} for link in card["links"]]
    return public


def cards_document(answers: Mapping[str, object], ruleset: RuleSet) -> dict:
    """`{"ruleset_version", "cards"}` for clean answers: the evaluate command's and the cards
    API's output, so the two can never drift apart."""
    cards = [public_card(card) for card in build_cards(answers, ruleset)]
    return {"ruleset_version": ruleset.version, "cards": cards}
