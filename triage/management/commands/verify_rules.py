"""Prove the principles over the whole answer space and report what can never happen."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from triage.authoring import readability, reviews, verdict
from triage.authoring import translations as content_translations
from triage.authoring.files import FixtureError, load_files
from triage.authoring.ruleset import load_ruleset

SHOW = 10  # violations printed in full; the rest are counted


class Command(BaseCommand):
    help = (
        "Check the rules and sections in the database (or in the given fixture FILEs) over "
        "every answer combination: exits non-zero if any principle breaks or any name is "
        "unknown, and reports rules that can never fire, sections no answer reaches and "
        "overdue reviews."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="fixture files to check instead of the database"
        )

    def handle(self, *args, files, **options):
        for name in files:
            if not Path(name).is_file():
                raise CommandError(f"{name}: no such file")
        started = time.perf_counter()
        try:
            ruleset = load_files([Path(f) for f in files]) if files else load_ruleset()
        except FixtureError as exc:  # one line per bad row, naming the file and the row
            raise CommandError(str(exc)) from None
        where = ", ".join(files) if files else "the database"
        found = verdict.assess(ruleset, stop_after=0)  # every violation, not just the first
        out = self.stdout.write
        out(f"Ruleset {ruleset.version} from {where}.")
        report = found.report
        if report is None:  # names the proof cannot work with: say what they are, and stop
            for refusal in found.refusals:
                out(self.style.ERROR(f"[{refusal.code}] {refusal.message}"))
            raise CommandError(
                f"{len(found.refusals)} problem(s): this ruleset must not be used "
                "(the principles were not checked)"
            )
        cover = verdict.coverage(ruleset)
        elapsed = time.perf_counter() - started
        out(
            f"Checked {report.combinations:,} answer combinations ({report.classes:,} classes) "
            f"in {elapsed:.2f} s."
        )
        if found.refusals:
            out(self.style.ERROR(f"{len(found.refusals):,} principle violation(s):"))
            for refusal in found.refusals[:SHOW]:
                out(self.style.ERROR(f"  [{refusal.code}] {refusal.message}"))
            if len(found.refusals) > SHOW:
                out(f"  … and {len(found.refusals) - SHOW:,} more")
        else:
            out(self.style.SUCCESS("Every principle holds."))
        out(_listing(_("Rules that can never fire"), cover.silent_rules))
        out(_listing(_("Sections no answer can reach"), cover.unreachable_sections))
        sections = ruleset.sections.values()
        overdue = [
            _("%(slug)s (next review %(date)s)") % {"slug": s.slug, "date": s.next_review}
            for s in reviews.overdue(sections)
        ]
        out(_listing(_("Reviews overdue"), overdue))
        self.reading(ruleset)
        self.spanish(ruleset)
        out(
            _listing(
                _("Sources more than %(years)d years older than their section's review")
                % {"years": reviews.OLD_SOURCE_YEARS},
                reviews.old_sources(sections),
            )
        )
        out(_listing(_("Sources with no year or checked date"), reviews.undated_sources(sections)))
        if found.refusals:
            raise CommandError(
                f"{len(found.refusals):,} principle violation(s): this ruleset must not be used"
            )

    def reading(self, ruleset) -> None:
        """Reading grades (Flesch-Kincaid, textstat 0.7.4) of every key point and body, and of
        all of them together, against the targets; warnings for those above target."""
        out = self.stdout.write
        sections = sorted(ruleset.sections.values(), key=lambda s: s.slug)
        out(
            f"Reading grade (Flesch-Kincaid; reading age is about grade + 5). Targets: body "
            f"{readability.BODY_TARGET:g} (refused above {readability.BODY_LIMIT:g}), key point "
            f"{readability.KEY_POINT_TARGET:g} (refused above {readability.KEY_POINT_LIMIT:g})."
        )
        out(f"  {'section':30} {'key point':>9} {'body':>6}")
        for s in sections:
            g = readability.grades(s.summary, s.body)
            out(f"  {s.slug:30} {g.key_point:9.1f} {g.body:6.1f}")
        keys = readability.grade_together(s.summary for s in sections)
        bodies = readability.grade_together(readability.plain_text(s.body) for s in sections)
        out(f"  {'all together':30} {keys:9.1f} {bodies:6.1f}")
        for warning in readability.warnings(sections):
            out(self.style.WARNING(f"  Warning: {warning}"))

    def spanish(self, ruleset) -> None:
        """The content translations: how many are current and stale, and the Spanish reading
        ease (Fernández-Huerta, with Szigriszt-Pazos beside it) of every translated section,
        against the Spanish targets (authoring/readability.py explains them)."""
        out = self.stdout.write
        states = content_translations.states(ruleset)
        if not states:
            return
        stale = [s for s in states if s.stale]
        out(
            f"Translations: {len(states) - len(stale)} current, {len(stale)} stale "
            "(stale ones are not shown: the English is, with a notice)."
        )
        out(
            "Spanish reading ease (Fernández-Huerta, higher is easier; Szigriszt-Pazos in "
            f"brackets). Targets: body {readability.SPANISH_BODY_TARGET:g} (refused below "
            f"{readability.SPANISH_BODY_LIMIT:g}), key point "
            f"{readability.SPANISH_KEY_POINT_TARGET:g} (refused below "
            f"{readability.SPANISH_KEY_POINT_LIMIT:g}), cell refused below "
            f"{readability.SPANISH_CELL_LIMIT:g}."
        )
        out(f"  {'section':30} {'key point':>14} {'body':>14}")
        sections = sorted(
            (s.translation for s in states if s.translation.kind == "section"),
            key=lambda t: t.key,
        )
        for t in sections:
            summary, body = (
                t.texts.get("summary", ""),
                readability.plain_text(t.texts.get("body", "")),
            )
            key = f"{readability.ease_es(summary):.1f} ({readability.szigriszt_pazos_es(summary):.1f})"
            whole = f"{readability.ease_es(body):.1f} ({readability.szigriszt_pazos_es(body):.1f})"
            out(f"  {t.key:30} {key:>14} {whole:>14}")
        cells = [
            readability.lines_as_sentences(s.translation.texts.get("text", ""))
            for s in states
            if s.translation.kind == "cell"
        ]
        if cells:
            together = readability.ease_es("\n".join(cells))
            out(f"  {'comparison cells together':30} {'':>14} {together:>14.1f}")
        for warning in content_translations.warnings(ruleset):
            out(self.style.WARNING(f"  Warning: {warning}"))


def _listing(title: str, items: list[str]) -> str:
    if not items:
        return _("%(title)s: none.") % {"title": title}
    return f"{title} ({len(items)}):\n" + "\n".join(f"  - {item}" for item in items)
