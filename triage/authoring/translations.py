"""What the one verdict refuses in the content translations, and which are stale.

``refusals`` is one of ``verdict.CHECKS``, so ``load_rules``, ``verify_rules``, the admin and the
system check refuse the same translations with the same codes and words. Each message names
the language, the translation, the field and the phrase:

* ``translation-unknown``: a key that names no section, option, row or cell;
* ``translation-format``: an unknown kind, language or status, or texts that are not the kind's;
* ``translation-no-text``: a text the English has left empty in the translation;
* ``advice``: a Spanish directive phrase (``advice.SPANISH``), in any text of any kind:
  ``[advice] es translation of section 'hsct-risks', body: “le recomendamos” tells a person
  what to do``;
* ``grid-ranking``: a Spanish word that ranks or recommends an option, in a grid translation
  (``advice.RANKING_SPANISH``), as for the English grid;
* ``body-too-hard``, ``key-point-too-hard``, ``grid-too-hard``: the Spanish reading check
  (``readability.check_spanish``, Fernández-Huerta; the targets and why are there).

Pure Python, no Django import, like the rest of the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from triage.authoring import readability
from triage.engine import advice
from triage.engine.rules import Refusal, RuleSet
from triage.engine.slugs import MANDATORY
from triage.engine.translations import KINDS, LANGUAGES, REQUIRED, STATUSES, Translation


def english_of(ruleset: RuleSet, kind: str, key: str) -> dict[str, str] | None:
    """The current English texts of the thing a translation names, or None when it names
    nothing (a mandatory section always has its built-in text)."""
    if kind == "section":
        if key not in ruleset.sections and key not in MANDATORY:
            return None
        s = ruleset.section(key)
        return {"title": s.title, "summary": s.summary, "body": s.body}
    grid = ruleset.grid
    if grid is None:
        return None
    if kind == "option":
        option = grid.option(key)
        return None if option is None else {"title": option.title}
    if kind == "gridrow":
        row = next((r for r in grid.rows if r.slug == key), None)
        return None if row is None else {"question": row.question}
    if kind == "cell":
        parts = key.split("/")
        if len(parts) != 3:
            return None
        cell = next((c for c in grid.cells if c.key == tuple(parts)), None)
        if cell is None:
            return None
        return {name: getattr(cell, name) for name in KINDS["cell"]}
    return None


@dataclass(frozen=True)
class State:
    translation: Translation
    english: dict[str, str] | None

    @property
    def stale(self) -> bool:
        return self.english is None or not self.translation.current_for(self.english)


def states(ruleset: RuleSet) -> list[State]:
    """Every translation with the English it is now compared with."""
    return [State(t, english_of(ruleset, t.kind, t.key)) for t in ruleset.translations]


def still_named(ruleset: RuleSet) -> RuleSet:
    """`ruleset` without the translations of what it no longer has: the candidate of an edit
    to the English that removes, renames or switches off a section, option, row or cell (its
    translations go with it; ``authoring.signals`` deletes them with the row). A translation
    whose key never named anything is refused where it comes in: a file or the admin."""
    kept = [t for t in ruleset.translations if english_of(ruleset, t.kind, t.key) is not None]
    if len(kept) == len(ruleset.translations):
        return ruleset
    return RuleSet.build(ruleset.sections.values(), ruleset.rules, ruleset.grid, kept)


def is_stale(ruleset: RuleSet, translation: Translation) -> bool:
    return State(translation, english_of(ruleset, translation.kind, translation.key)).stale


def _tag(t: Translation) -> str:
    return f"{t.language}:{t.kind}:{t.key}"


def refusals(ruleset: RuleSet) -> list[Refusal]:
    """Everything wrong with the ruleset's translations, one refusal per problem."""
    out: list[Refusal] = []
    for state in states(ruleset):
        out += translation_refusals(state.translation, state.english)
    return out


def translation_refusals(t: Translation, english: Mapping[str, str] | None) -> list[Refusal]:
    """What is wrong with one translation, given the English it names (None: nothing)."""

    def refuse(code: str, field: str, message: str) -> Refusal:
        return Refusal(code, f"{t.name}, {field}: {message}", field=field, translation=_tag(t))

    out: list[Refusal] = []
    if t.kind not in KINDS:
        kinds = ", ".join(KINDS)
        return [refuse("translation-format", "kind", f"unknown kind (one of {kinds})")]
    if t.language not in LANGUAGES:
        out.append(refuse("translation-format", "language", "not a language we translate into"))
    if t.status not in STATUSES:
        out.append(refuse("translation-format", "status", f"unknown status {t.status!r}"))
    if english is None:
        out.append(
            refuse("translation-unknown", "key", f"names no {t.kind} (nothing to translate)")
        )
    for name in sorted(set(t.texts) - set(KINDS[t.kind])):
        out.append(refuse("translation-format", name, f"a {t.kind} has no text {name!r}"))
    for name in KINDS[t.kind]:
        value = str(t.texts.get(name) or "")
        if value.strip():
            continue
        if name in REQUIRED[t.kind] or (english and str(english.get(name) or "").strip()):
            out.append(
                refuse("translation-no-text", name, "the English has this text; translate it")
            )
    grid_kind = t.kind != "section"
    for name in KINDS[t.kind]:
        text = str(t.texts.get(name) or "")
        for phrase in dict.fromkeys(advice.find_advice(text, t.language)):
            out.append(
                refuse(
                    "advice",
                    name,
                    f"\u201c{phrase}\u201d tells a person what to do (say what is known "
                    "instead, or \u2018pregunte a su equipo de especialistas \u2026\u2019)",
                )
            )
        if grid_kind:
            found = set(advice.find_advice(text, t.language))
            for phrase in advice.find_ranking(text, t.language):
                if phrase not in found:
                    out.append(
                        refuse(
                            "grid-ranking",
                            name,
                            f"\u201c{phrase}\u201d ranks or recommends an option (set the "
                            "options side by side and say what is known about each)",
                        )
                    )
    if t.language == "es" and t.kind == "section":
        findings = readability.check_spanish(
            str(t.texts.get("summary") or ""), str(t.texts.get("body") or ""), name=t.name
        )
        out += [
            Refusal(f.code, f.message, field=f.field, translation=_tag(t))
            for f in findings
            if f.refused
        ]
    if t.language == "es" and t.kind == "cell":
        findings = readability.check_spanish_cell(str(t.texts.get("text") or ""), name=t.name)
        out += [Refusal(f.code, f.message, field=f.field, translation=_tag(t)) for f in findings]
    return out


def warnings(ruleset: RuleSet) -> list[str]:
    """Spanish texts harder than the target but not refused, and stale translations."""
    out = []
    for state in states(ruleset):
        t = state.translation
        if t.language == "es" and t.kind == "section":
            out += [
                f.message
                for f in readability.check_spanish(
                    str(t.texts.get("summary") or ""), str(t.texts.get("body") or ""), name=t.name
                )
                if not f.refused
            ]
        if state.stale and state.english is not None:
            out.append(f"{t.name} is stale: its English has changed since it was translated")
    return out
