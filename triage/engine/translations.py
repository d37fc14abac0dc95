"""Content translations: which texts a translation covers, the fingerprint of the English it
was translated from, and what a reader in another language is shown.

A translation is one row per translated thing (a section, a comparison option, row or cell)
and language, recording the fingerprint of the English texts it was made from. When the English
changes, its fingerprint changes and the translation is *stale*: it is not shown. The English
text is shown instead, with a notice in the reader's language (principle 13: a translated
summary has the same sections in the same order as the English one, falling back to English,
never to nothing).

The fingerprint is always taken of the English that the reader would otherwise see: for a
stored summary, the English stored with it (a card's title, summary and detail; a stored grid
cell's texts), so a stored summary never shows a translation of newer English.

Pure Python, no Django import: the principles proof, the verdict and the summary pages all use
it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations

from triage.engine import regions

ENGLISH = "en"
SPANISH = "es"
LANGUAGES: tuple[str, ...] = (SPANISH,)  # languages content may be translated into

# What each kind of translation holds, in the order the fingerprint reads them.
KINDS: dict[str, tuple[str, ...]] = {
    "section": ("title", "summary", "body"),
    "option": ("title",),
    "gridrow": ("question",),
    "cell": ("text", "outcome", "who", "time_frame"),
}
# The texts that must not be empty in a translation (the others may be, as in English).
REQUIRED: dict[str, tuple[str, ...]] = {
    "section": ("title", "summary", "body"),
    "option": ("title",),
    "gridrow": ("question",),
    "cell": ("text",),
}
AWAITING_REVIEW = "awaiting_review"
REVIEWED = "reviewed"
STATUSES = {
    AWAITING_REVIEW: "Translated, awaiting clinical review",
    REVIEWED: "Clinically reviewed",
}

# Shown above English text that a reader of another language gets instead of a translation.
NOTICES: dict[str, str] = {
    SPANISH: (
        "Esta parte todavía no está traducida al español, o su traducción se está "
        "actualizando porque el texto en inglés cambió. Por eso se muestra en inglés."
    ),
}
# The same, short, for one cell of the comparison grid.
SHORT_NOTICES: dict[str, str] = {
    SPANISH: "Esta parte todavía no está traducida al español; se muestra en inglés.",
}


def fingerprint(kind: str, texts: Mapping[str, object]) -> str:
    """The fingerprint of a thing's English texts (section: title, summary, body; option:
    title; grid row: question; cell: text, outcome, who, time frame; a missing one as "")."""
    return _fingerprint(tuple(str(texts.get(name) or "") for name in KINDS[kind]))


@lru_cache(maxsize=4096)  # the proof asks for the same texts once per answer class
def _fingerprint(parts: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def cell_key(option: str, row: str, condition: str = "") -> str:
    """A cell translation's key: "option/row/condition" (condition "" for the default cell)."""
    return f"{option}/{row}/{condition}"


@dataclass(frozen=True)
class Translation:
    kind: str  # section, option, gridrow, cell
    key: str  # section slug; option or row slug; cell "option/row/condition"
    language: str
    texts: Mapping[str, str] = field(default_factory=dict, hash=False, compare=True)
    source_fingerprint: str = ""
    translator: str = ""
    status: str = AWAITING_REVIEW

    @classmethod
    def from_row(cls, row: object) -> Translation:
        get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name, None)
        texts = get("texts")
        return cls(
            kind=str(get("kind") or ""),
            key=str(get("key") or ""),
            language=str(get("language") or ""),
            texts=dict(texts) if isinstance(texts, Mapping) else {},
            source_fingerprint=str(get("source_fingerprint") or ""),
            translator=str(get("translator") or ""),
            status=str(get("status") or AWAITING_REVIEW),
        )

    @property
    def name(self) -> str:
        """How messages name it: "es translation of section 'hsct-risks'"."""
        kind = {"gridrow": "comparison row", "cell": "comparison cell"}.get(self.kind, self.kind)
        return f"{self.language} translation of {kind} {self.key!r}"

    def current_for(self, english: Mapping[str, object]) -> bool:
        """Whether it was made from exactly this English."""
        return self.kind in KINDS and self.source_fingerprint == fingerprint(self.kind, english)

    def as_row(self) -> dict:
        """The fixture row's fields, in the shipped files' order."""
        return {
            "kind": self.kind,
            "key": self.key,
            "language": self.language,
            "texts": {
                name: self.texts[name] for name in KINDS.get(self.kind, ()) if name in self.texts
            },
            "source_fingerprint": self.source_fingerprint,
            "translator": self.translator,
            "status": self.status,
        }


Index = Mapping[tuple[str, str, str], Translation]  # (language, kind, key) -> translation


def index(translations: Iterable[Translation]) -> dict[tuple[str, str, str], Translation]:
    return {(t.language, t.kind, t.key): t for t in translations}


@dataclass(frozen=True)
class Localised:
    """What a reader of `language` is shown of one thing: its texts, whether they are a
    translation, and the notice to show above English text (empty when none is needed)."""

    texts: dict[str, str]
    language: str  # the language the texts are in
    notice: str = ""

    @property
    def translated(self) -> bool:
        return not self.notice


def localise(
    kind: str, key: str, english: Mapping[str, object], language: str, found: Index
) -> Localised:
    """The texts of one thing for a reader of `language`: the translation when one exists and
    was made from this English (its fingerprint), else the English with a notice. Each text
    the translation leaves empty, where the English has one, is the English one (never
    nothing)."""
    plain = {name: str(english.get(name) or "") for name in KINDS[kind]}
    if language == ENGLISH or language not in LANGUAGES:
        return Localised(plain, ENGLISH)
    translation = found.get((language, kind, key))
    if translation is None or not translation.current_for(english):
        return Localised(plain, ENGLISH, NOTICES[language])
    texts = {name: str(translation.texts.get(name) or "") or plain[name] for name in KINDS[kind]}
    return Localised(texts, language)


def stale(translation: Translation, english: Mapping[str, object] | None) -> bool:
    """A translation whose English is gone or has changed since it was made."""
    return english is None or not translation.current_for(english)


# What a summary card's texts are called (summary/cards.py) and a section's.
CARD_TEXTS = {"title": "title", "summary": "summary", "detail": "body"}


def localise_cards(cards: Iterable[Mapping], language: str, found: Index) -> list[dict]:
    """Summary cards (slug, title, summary, detail as stored) for a reader of `language`: the
    same cards in the same order (principle 13), each with its texts translated where a
    translation of exactly that English exists, else the English with ``notice`` set; each
    card also says the ``language`` its texts are in."""
    out = []
    for card in cards:
        english = {name: str(card.get(part) or "") for part, name in CARD_TEXTS.items()}
        shown = localise("section", str(card.get("slug")), english, language, found)
        localised = dict(card)
        for part, name in CARD_TEXTS.items():
            localised[part] = shown.texts[name]
        localised["language"] = shown.language
        localised["notice"] = shown.notice
        out.append(localised)
    return out


APPROVED_ROW = "approved"  # the grid row whose "UK:/EU:/US:" lines follow the person's region


def _line_orders(text: str) -> list[str]:
    """The text with its "UK:", "EU:" and "US:" lines in every other order (the stored
    approved row puts the person's region first, ``regions.lines_region_first``)."""
    lines = text.split("\n")
    places = [i for i, line in enumerate(lines) if regions.REGION_LINE.match(line)]
    if not 1 < len(places) <= 4:
        return []
    out = []
    for order in permutations(places):
        moved = list(lines)
        for place, source in zip(places, order, strict=True):
            moved[place] = lines[source]
        out.append("\n".join(moved))
    return out


def localise_stored_cell(
    stored: Mapping[str, object],
    key: str,
    language: str,
    found: Index,
    *,
    region: str = "",
    row: str = "",
) -> Localised:
    """A comparison cell as stored with a summary, for a reader of `language`. The stored
    approved row has its region lines in the person's order, so the translation is current
    when it was made from the stored English in any order of those lines; its own lines are
    then put in the person's order too."""
    english = {name: str(stored.get(name) or "") for name in KINDS["cell"]}
    if language == ENGLISH or language not in LANGUAGES:
        return Localised(english, ENGLISH)
    translation = found.get((language, "cell", key))
    candidates = [english["text"]] + (_line_orders(english["text"]) if row == APPROVED_ROW else [])
    if translation is None or not any(
        translation.current_for({**english, "text": text}) for text in candidates
    ):
        return Localised(english, ENGLISH, NOTICES[language])
    texts = {
        name: str(translation.texts.get(name) or "") or english[name] for name in KINDS["cell"]
    }
    if row == APPROVED_ROW and region:
        texts["text"] = regions.lines_region_first(texts["text"], region)
    return Localised(texts, language)
