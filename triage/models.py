"""Sections, sources, rules and conditions (what admins edit) and submissions (what patients
leave behind: answers and the summary built from them, with no personal data)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from triage.engine import codes, comparison, rules
from triage.engine import translations as content_translations

INDICATOR_CHOICES = list(rules.INDICATORS.items())
OPERATOR_CHOICES = list(rules.OPERATOR_WORDS.items())


class SectionManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Section(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=140, help_text="One sentence, under 140 characters.")
    body = models.TextField(help_text="Markdown. Plain words, no advice about treatment.")
    indicator = models.CharField(max_length=10, choices=INDICATOR_CHOICES, default="info")
    last_reviewed = models.DateField()
    next_review = models.DateField()
    active = models.BooleanField(default=True)

    objects = SectionManager()
    history = HistoricalRecords()  # who changed what, when (admin: History)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    def natural_key(self):
        return (self.slug,)

    def to_engine(self) -> rules.Section:
        return rules.Section.from_row(self, self.sources.all())


class SourceManager(models.Manager):
    def get_by_natural_key(self, section_slug, position):
        return self.get(section__slug=section_slug, position=position)


class Source(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(max_length=500)
    url = models.URLField(max_length=500, help_text="A web address, or a DOI as https://doi.org/…")
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900)],
        help_text="The year the work was published.",
    )
    checked = models.DateField(
        null=True,
        blank=True,
        help_text="Only for an undated web page: the date it was last checked.",
    )

    objects = SourceManager()
    history = HistoricalRecords()  # who changed what, when (admin: History)

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="source_position")
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.section.slug, self.position)

    natural_key.dependencies = ["triage.section"]


class RuleManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Rule(models.Model):
    key = models.SlugField(unique=True, help_text="A stable name, e.g. hsct-refractory-ms.")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="rules")
    description = models.CharField(max_length=300, blank=True)
    priority = models.PositiveSmallIntegerField(
        default=100, validators=[MinValueValidator(1)], help_text="Lower numbers show first."
    )
    active = models.BooleanField(default=True)

    objects = RuleManager()
    history = HistoricalRecords()  # who changed what, when (admin: History)

    class Meta:
        ordering = ["priority", "key"]

    def __str__(self):
        return self.key

    def natural_key(self):
        return (self.key,)

    natural_key.dependencies = ["triage.section"]

    def to_engine(self) -> rules.Rule:
        return rules.Rule.from_row(self, self.conditions.all())


class ConditionManager(models.Manager):
    def get_by_natural_key(self, rule_key, question):
        return self.get(rule__key=rule_key, question=question)


class Condition(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="conditions")
    # A question key or derived term from the questionnaire (questions.rule_question_values()).
    # No model choices: the admin form checks it against the questionnaire, so rewording a
    # question's label needs no migration; load_rules and the system check refuse unknown keys.
    question = models.CharField(max_length=40)
    operator = models.CharField(max_length=10, choices=OPERATOR_CHOICES, default="in")
    values = models.JSONField(help_text="A list of answer values.")

    objects = ConditionManager()
    history = HistoricalRecords()  # who changed what, when (admin: History)

    class Meta:
        ordering = ["rule", "question"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "question"], name="one_condition_per_question")
        ]

    def __str__(self):
        return f"{self.question} {self.operator} {self.values}"

    def natural_key(self):
        return (self.rule.key, self.question)

    natural_key.dependencies = ["triage.rule"]


# --- Compare your options (contract, third version; engine/comparison.py) ----------------

STUDY_TYPE_CHOICES = [
    ("rct", "Randomised trial"),
    ("registry", "Registry"),
    ("case_series", "Case series"),
    ("meta_analysis", "Meta-analysis (studies pooled)"),
    ("review", "Review"),
    ("none", "No published study"),
]


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Option(models.Model):
    """A column of the comparison: one way of going on (contract slugs in comparison.OPTIONS)."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=80, help_text="The column heading, in plain words.")
    order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers show first.")
    conditions = models.JSONField(
        default=list,
        blank=True,
        help_text="Condition values (contract) for which this column shows; empty for every "
        "condition. The unproven-clinic column also shows to everyone offered a treatment.",
    )
    offered_only = models.BooleanField(
        default=False,
        help_text="Show this column only to people who said they were offered a treatment "
        "(or ticked a warning sign of an offer).",
    )
    active = models.BooleanField(default=True)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self):
        return self.slug

    def natural_key(self):
        return (self.slug,)

    def to_engine(self) -> comparison.Option:
        listed = self.conditions if isinstance(self.conditions, list) else []
        return comparison.Option(
            slug=self.slug,
            title=self.title,
            order=self.order,
            conditions=tuple(map(str, listed)),
            active=self.active,
            offered_only=self.offered_only,
        )


class GridRow(models.Model):
    """A row of the comparison: one question people ask (contract slugs in comparison.ROWS)."""

    slug = models.SlugField(unique=True)
    question = models.CharField(max_length=120, help_text="The row heading, as a question.")
    order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers show first.")

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = "comparison row"

    def __str__(self):
        return self.slug

    def natural_key(self):
        return (self.slug,)

    def to_engine(self) -> comparison.Row:
        return comparison.Row(slug=self.slug, question=self.question, order=self.order)


class CellManager(models.Manager):
    def get_by_natural_key(self, option_slug, row_slug, condition):
        return self.get(option__slug=option_slug, row__slug=row_slug, condition=condition)


class Cell(models.Model):
    """One short plain answer: an option's answer to a row's question, for one condition or,
    with no condition, for every condition without a cell of its own."""

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="cells")
    row = models.ForeignKey(GridRow, on_delete=models.CASCADE, related_name="cells")
    condition = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text="A condition value (contract), or empty for the default cell.",
    )
    text = models.TextField(help_text="One or two short plain sentences (reading grade 8 at most).")
    per_100 = models.FloatField(
        "X in 100",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Benefit and harm rows: how many in 100. Empty where no reliable number "
        "exists (the text then says so and why). Below 1 shows as “fewer than 1 in 100”.",
    )
    outcome = models.CharField(
        max_length=160,
        blank=True,
        help_text="What happened to them, for the sentence under the picture of 100 people: "
        "“had no new relapses”. Optional.",
    )
    who = models.CharField(max_length=200, blank=True, help_text="Who the 100 people are.")
    time_frame = models.CharField(max_length=80, blank=True, help_text="“over 5 years”.")
    study = models.CharField(max_length=200, blank=True, help_text="The study, e.g. “MIST”.")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    study_type = models.CharField(max_length=16, choices=STUDY_TYPE_CHOICES, default="none")
    source_label = models.CharField(max_length=500, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    last_reviewed = models.DateField()
    next_review = models.DateField()

    objects = CellManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["option", "row", "condition"]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "row", "condition"], name="one_cell_per_place"
            )
        ]

    def __str__(self):
        return self.to_engine().name

    def natural_key(self):
        return (self.option.slug, self.row.slug, self.condition)

    natural_key.dependencies = ["triage.option", "triage.gridrow"]

    def to_engine(self) -> comparison.Cell:
        return comparison.Cell(
            option=self.option.slug,
            row=self.row.slug,
            condition=self.condition,
            text=self.text,
            per_100=self.per_100,
            outcome=self.outcome,
            who=self.who,
            time_frame=self.time_frame,
            study=self.study,
            year=self.year,
            study_type=self.study_type,
            source_label=self.source_label,
            source_url=self.source_url,
            last_reviewed=self.last_reviewed.isoformat() if self.last_reviewed else "",
            next_review=self.next_review.isoformat() if self.next_review else "",
        )


# --- Content translations (engine/translations.py) ---------------------------------------


class TranslationManager(models.Manager):
    def get_by_natural_key(self, kind, key, language):
        return self.get(kind=kind, key=key, language=language)


class Translation(models.Model):
    """One translation of a section, or of a comparison option, row or cell, into one
    language, with the fingerprint of the English it was made from: when the English changes,
    the translation is stale and the English is shown instead, with a notice."""

    KINDS = [
        ("section", "Section"),
        ("option", "Comparison option"),
        ("gridrow", "Comparison row"),
        ("cell", "Comparison cell"),
    ]
    LANGUAGES = [("es", "Spanish")]
    STATUSES = list(content_translations.STATUSES.items())

    kind = models.CharField(max_length=10, choices=KINDS)
    key = models.CharField(
        max_length=200,
        help_text="Section: its slug. Option or row: its slug. Cell: option/row/condition "
        "(condition empty for the default cell, e.g. “hsct/benefit/”).",
    )
    language = models.CharField(max_length=8, choices=LANGUAGES, default="es")
    texts = models.JSONField(
        help_text="Section: title, summary, body. Option: title. Row: question. Cell: text, "
        "outcome, who, time_frame."
    )
    source_fingerprint = models.CharField(
        max_length=16, help_text="The fingerprint of the English this was translated from."
    )
    translator = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=16, choices=STATUSES, default=content_translations.AWAITING_REVIEW
    )
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)  # loaddata sets no auto_now field

    objects = TranslationManager()
    # load_rules saves rows "raw", resetting the timestamps: history records what was said.
    history = HistoricalRecords(excluded_fields=["created", "updated"])

    class Meta:
        ordering = ["language", "kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self):
        return self.to_engine().name

    def save(self, *args, **kwargs):
        self.updated = timezone.now()
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.kind, self.key, self.language)

    def to_engine(self) -> content_translations.Translation:
        return content_translations.Translation.from_row(self)


class Submission(models.Model):
    """One finished questionnaire: the answers, the summary built from them and the version of
    the rules and sections that built it. No names, contact details or dates of birth."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=codes.LENGTH, unique=True, default=codes.new_code)
    private_token = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="The secret in the patient's private link (see private_links.py).",
    )
    answers = models.JSONField()
    result = models.JSONField(help_text="The cards as shown, so the summary can be reproduced.")
    ruleset_version = models.CharField(max_length=64)
    comparison = models.JSONField(
        null=True,
        blank=True,
        help_text="The comparison grid as shown (comparison.for_answers), stored like the "
        "result so it never changes under the person; empty for summaries made before it.",
    )
    priorities = models.JSONField(
        default=list,
        blank=True,
        help_text="Up to three comparison row slugs the person marked as mattering most. "
        "Printed on the sheet; never used by the rules.",
    )
    language = models.CharField(
        max_length=8,
        default="en",
        help_text="The language the summary was made in (settings.LANGUAGES): its private link "
        "and the clinic's view open in it.",
    )
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True, blank=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the patient deleted their answers."
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Summary {self.display_reference}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created + timedelta(days=settings.SUMMARY_RETENTION_DAYS)
        super().save(*args, **kwargs)

    @property
    def display_reference(self) -> str:
        return codes.display(self.reference)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def erase(self) -> None:
        """The patient's "Delete my answers": keep only the code, so it can say it was deleted."""
        self.answers = {}
        self.result = []
        self.comparison = None
        self.priorities = []
        self.deleted_at = timezone.now()
        self.save(update_fields=["answers", "result", "comparison", "priorities", "deleted_at"])


class Lookup(models.Model):
    """One attempt to reach a summary by its code, kept for audit: a member of staff looking up
    a reference code (who, when, which code, what they were shown), a staff download of a
    summary as a FHIR QuestionnaireResponse (``exported``), a superuser opening it in the admin
    (``admin``), and an anonymous guess at a private link that was never issued (``bad_link``,
    with no user; purged after a week). Rate limits count in ``RateCount``, not here."""

    OUTCOMES = [
        ("found", gettext_lazy("Found")),
        ("mistyped", gettext_lazy("Mistyped (check character wrong)")),
        ("unknown", gettext_lazy("No such code")),
        ("expired", gettext_lazy("Expired")),
        ("deleted", gettext_lazy("Deleted by the patient")),
        ("limited", gettext_lazy("Refused: too many lookups")),
        ("bad_link", gettext_lazy("Private link that was never issued")),
        ("exported", gettext_lazy("Downloaded as a FHIR QuestionnaireResponse")),
        ("admin", gettext_lazy("Opened in the admin by a superuser")),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="lookups"
    )
    username = models.CharField(max_length=150)
    code = models.CharField(max_length=40, help_text="The code as read, after tidying.")
    outcome = models.CharField(max_length=10, choices=OUTCOMES)
    submission = models.ForeignKey(Submission, on_delete=models.SET_NULL, null=True, blank=True)
    address_hash = models.CharField(max_length=16, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        values = {"who": self.username, "code": self.code, "outcome": self.get_outcome_display()}
        if self.outcome == "exported":
            return _("%(who)s downloaded %(code)s as FHIR") % values
        if self.outcome == "admin":
            return _("%(who)s opened %(code)s in the admin") % values
        if not self.username:
            return _("Someone without an account tried %(code)s (%(outcome)s)") % values
        return _("%(who)s looked up %(code)s (%(outcome)s)") % values


class RateCount(models.Model):
    """How many requests one subject (a keyed hash of an address, an account id) made in one
    window of one rate limit (triage/platform/throttle.py), so every server process counts the
    same. One row per bucket, subject and window, counted up in a single statement; nothing
    of what was sent is kept, and `purge_expired` deletes rows whose window has ended."""

    bucket = models.CharField(max_length=20)
    subject = models.CharField(max_length=64)
    slot = models.BigIntegerField(help_text="When the window began, in seconds since 1970.")
    hits = models.PositiveIntegerField(default=0)
    ends = models.DateTimeField(db_index=True, help_text="When the window ends.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "subject", "slot"], name="ratecount_one_row_per_window"
            )
        ]

    def __str__(self):
        return f"{self.bucket} {self.subject}: {self.hits} until {self.ends:%Y-%m-%d %H:%M:%S}"


class RulesetVersion(models.Model):
    """A ruleset version that built a summary or was saved, with what it contained, so the
    version stored with a submission can be looked up (admin: Ruleset versions)."""

    RECORDED_BY = [
        ("submission", "A summary was saved with it"),
        ("admin", "Saved in the admin"),
        ("load_rules", "Loaded by load_rules"),
    ]

    version = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    recorded_by = models.CharField(max_length=12, choices=RECORDED_BY)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    snapshot = models.JSONField(
        null=True, help_text="The sections and rules of this version, as fixture rows."
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.version


class RulesetState(models.Model):
    """One row that every server process reads to know whether its cached ruleset is current.

    Any change to a section, source, rule or condition writes a new ``token`` in the same
    transaction (``selectors.ruleset_changed``), so the change and the new token become visible
    to every process together. Processes compare the token with the one their cache was built
    under: one primary-key read per summary built, and no other server to run.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.CharField(max_length=32)
    changed = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "ruleset state"

    def __str__(self):
        return f"Ruleset state {self.token} ({self.changed:%Y-%m-%d %H:%M:%S})"
