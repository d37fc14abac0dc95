"""The questionnaire, declared once.

Forms, the wizard, the check-answers page, the rules validator, the `evaluate` command and the
exhaustive principle tests all read this module, so a question or value added here reaches every
one of them. Keys and values are the public contract in ``docs/contract.md``;
labels and hints are ours to improve. No Django import: the rules engine uses it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


def _(text: str) -> str:
    """Marks wording for translation (makemessages reads `_("...")`); returns it unchanged.
    The engine imports no Django: the words are translated when shown, through `tr`."""
    return text


def _no_language() -> str | None:
    return None


_translator: Callable[[str], str] = _
_language: Callable[[], str | None] = _no_language


def set_translator(
    translate: Callable[[str], str], language: Callable[[], str | None] = _no_language
) -> None:
    """Django's gettext and the active language, installed by the app (triage/apps.py); the
    identity otherwise."""
    global _translator, _language
    _translator = translate
    _language = language


def active_language() -> str | None:
    """The language `tr` translates into now, so wording built from it can be kept per language."""
    return _language()


def tr(text: str) -> str:
    """This wording in the active language (the English when there is no translation)."""
    return _translator(text) if text else text


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""
    # What this choice says happened, in the words a summary uses to tell the person back
    # ("you were asked to pay up front"); the key points, the tourism warning and the
    # appointment sheet read it from here.
    said: str = ""


@dataclass(frozen=True)
class AskedWhen:
    """A question is asked only when an earlier answer is one of `values`."""

    question: str
    values: frozenset[str]

    def holds(self, answers: Mapping[str, object]) -> bool:
        return answers.get(self.question) in self.values


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # the page's h1, inside the legend
    check_label: str  # the row label on "check your answers"
    hint: str
    choices: tuple[Choice, ...]
    error: str  # shown when nothing is chosen, in the question's own words
    reason: str  # "why you are seeing this", with {answer} filled in
    caption: str = ""
    why_we_ask: str = ""
    multiple: bool = False
    exclusive: tuple[str, ...] = ()  # values of a multiple question that must stand alone
    asked_when: AskedWhen | None = None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def label_for(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        raise KeyError(value)

    def answer_text(self, answer: str | list[str]) -> str:
        """The answer in words, as the person chose it."""
        if isinstance(answer, list | tuple):
            return "; ".join(tr(self.label_for(v)) for v in answer)
        return tr(self.label_for(answer))

    def clean(self, value: object) -> str | list[str]:
        """This question's answer in canonical form, or AnswerError naming what is wrong."""
        if self.multiple:
            if not isinstance(value, list) or not value:
                raise AnswerError(f"{self.key!r} takes a non-empty list of values")
            for v in value:
                if v not in self.values:
                    raise AnswerError(f"unknown value {v!r} for {self.key!r}")
            if len(set(value)) != len(value):
                raise AnswerError(f"repeated value in {self.key!r}")
            for v in self.exclusive:
                if v in value and len(value) > 1:
                    raise AnswerError(f"{v!r} cannot be combined in {self.key!r}")
            return [v for v in self.values if v in value]
        if not isinstance(value, str) or value not in self.values:
            raise AnswerError(f"unknown value {value!r} for {self.key!r}")
        return value

    def quoted(self, answer: str | list[str] | tuple[str, ...]) -> str:
        """The answer as quoted words for a reason: “Yes”, or “A”, “B” and “C”."""
        values = list(answer) if isinstance(answer, list | tuple) else [answer]
        words = [tr(_("“{answer}”")).format(answer=tr(self.label_for(v))) for v in values]
        if len(words) == 1:
            return words[0]
        return tr(_("{list} and {last}")).format(list=", ".join(words[:-1]), last=words[-1])


NOT_SURE = _("I'm not sure")

QUESTIONS: tuple[Question, ...] = (
    Question(
        key="condition",
        caption=_("About your condition"),
        text=_("Which condition do you have?"),
        check_label=_("Condition"),
        hint=_("Choose the one you most want information about."),
        why_we_ask=_("The evidence for stem-cell treatments is different for each condition."),
        error=_(
            "Select the condition you have, or ‘Another autoimmune condition, or I'm not sure’"
        ),
        reason=_("you told us your condition is {answer}"),
        choices=(
            Choice("ms_relapsing", _("Relapsing multiple sclerosis (MS)")),
            Choice("ms_progressive", _("Progressive multiple sclerosis (MS)")),
            Choice("systemic_sclerosis", _("Systemic sclerosis (scleroderma)")),
            Choice("lupus", _("Lupus (systemic lupus erythematosus, SLE)")),
            Choice("crohns", _("Crohn's disease")),
            Choice("type1_diabetes", _("Type 1 diabetes")),
            Choice("rheumatoid_arthritis", _("Rheumatoid arthritis")),
            Choice("vasculitis", _("Vasculitis")),
            Choice("myositis", _("Myositis (polymyositis or dermatomyositis)")),
            Choice(
                "neuro_other",
                _("Another autoimmune nerve or muscle condition"),
                _("For example CIDP, NMOSD, myasthenia gravis or stiff-person syndrome."),
            ),
            Choice("other", _("Another autoimmune condition, or I'm not sure")),
        ),
    ),
    Question(
        key="crohns_fistula",
        caption=_("About your condition"),
        text=_("Do you have a fistula near your bottom (a perianal fistula)?"),
        check_label=_("Perianal fistula"),
        hint=_("A fistula is a small tunnel that forms between the bowel and the skin."),
        error=_("Select whether you have a perianal fistula, or 'I'm not sure'"),
        reason=_("you answered {answer} when we asked about a perianal fistula"),
        asked_when=AskedWhen("condition", frozenset({"crohns"})),
        choices=(
            Choice("yes", _("Yes")),
            Choice("no", _("No")),
            Choice("unsure", NOT_SURE),
        ),
    ),
    Question(
        key="activity",
        caption=_("About your condition"),
        text=_("Has your condition been active in the past year?"),
        check_label=_("Activity in the past year"),
        hint=_(
            "For example new relapses or flares, new areas of damage on scans, or getting worse."
        ),
        error=_(
            "Select whether your condition has been active in the past year, or 'I'm not sure'"
        ),
        reason=_("you answered {answer} when we asked if your condition has been active"),
        choices=(
            Choice("active", _("Yes, it has been active")),
            Choice("stable", _("No, it has been stable")),
            Choice("unsure", NOT_SURE),
        ),
    ),
    Question(
        key="treatment_history",
        caption=_("About your treatment"),
        text=_("How has standard treatment worked for you so far?"),
        check_label=_("Standard treatment so far"),
        hint=_("Standard treatment means the usual medicines your specialist team offers."),
        error=_("Select how standard treatment has worked for you, or 'I'm not sure'"),
        reason=_("you answered {answer} when we asked how standard treatment has worked"),
        choices=(
            Choice("none_yet", _("I have not had standard treatment yet")),
            Choice("responding", _("Standard treatment is keeping it under control")),
            Choice("one_failed", _("I have tried one standard treatment and it is still active")),
            Choice(
                "two_plus_failed",
                _("I have tried two or more standard treatments and it is still active"),
            ),
            Choice("unsure", NOT_SURE),
        ),
    ),
    Question(
        key="years_since_diagnosis",
        caption=_("About your condition"),
        text=_("How long ago were you diagnosed?"),
        check_label=_("Time since diagnosis"),
        hint=_("An estimate is fine."),
        error=_("Select how long ago you were diagnosed, or 'I'm not sure'"),
        reason=_("you answered {answer} when we asked when you were diagnosed"),
        choices=(
            Choice("under_2", _("Less than 2 years ago")),
            Choice("2_to_5", _("2 to 5 years ago")),
            Choice("5_to_10", _("5 to 10 years ago")),
            Choice("over_10", _("More than 10 years ago")),
            Choice("unsure", NOT_SURE),
        ),
    ),
    Question(
        key="risk_tolerance",
        caption=_("About risk"),
        text=_("How much risk would you be willing to consider for a chance of long-term benefit?"),
        check_label=_("Risk you would consider"),
        hint=_(
            "There is no right answer. If you choose ‘Low’ or ‘I'm not sure’, "
            "your summary adds a section on weighing risks against possible benefits. No answer "
            "hides information about risks or safety."
        ),
        error=_("Select how much risk you would consider, or 'I'm not sure'"),
        reason=_("you answered {answer} when we asked how much risk you would consider"),
        choices=(
            Choice("low", _("Low"), _("Only options with a low chance of serious side effects.")),
            Choice(
                "moderate",
                _("Moderate"),
                _("Serious side effects, such as a stay in hospital, would be acceptable."),
            ),
            Choice(
                "high",
                _("High"),
                _(
                    "Serious risks, including a small risk of dying from the treatment, "
                    "would be acceptable for a chance of long-term remission."
                ),
            ),
            Choice("unsure", NOT_SURE),
        ),
    ),
    Question(
        key="offer_received",
        caption=_("About offers of treatment"),
        text=_("Has anyone offered you a stem-cell treatment?"),
        check_label=_("Offered a stem-cell treatment"),
        hint=_(
            "Count offers from clinics or companies, not from your own specialist team "
            "or a registered clinical trial."
        ),
        error=_("Select whether you have been offered a stem-cell treatment, or 'I'm not sure'"),
        reason=_(
            "you answered {answer} when we asked if anyone has offered you a stem-cell treatment"
        ),
        choices=(
            Choice("yes", _("Yes")),
            Choice("no", _("No")),
            Choice("unsure", NOT_SURE),
        ),
    ),
    Question(
        key="offer_features",
        caption=_("About offers of treatment"),
        text=_("Did the offer include any of these?"),
        check_label=_("What the offer included"),
        hint=_("Select all that apply."),
        error=_("Select what the offer included, or 'None of these'"),
        reason=_("you told us the offer included {answer}"),
        multiple=True,
        exclusive=("none_of_these", "not_sure"),
        asked_when=AskedWhen("offer_received", frozenset({"yes", "unsure"})),
        choices=(
            Choice(
                "pay_upfront",
                _("I was asked to pay up front"),
                said=_("you were asked to pay up front"),
            ),
            Choice(
                "many_conditions",
                _("They said the same cells treat many different diseases"),
                said=_("you were told the same cells treat many different diseases"),
            ),
            Choice(
                "travel_abroad",
                _("I would have to travel to another country"),
                said=_("you would have to travel to another country"),
            ),
            Choice(
                "no_registration",
                _("There was no trial registration number or ethics approval"),
                said=_("there was no trial registration number or ethics approval"),
            ),
            Choice(
                "testimonials",
                _("The evidence they gave was patient stories, not published results"),
                said=_("the evidence offered was patient stories"),
            ),
            Choice(
                "same_day_procedure",
                _("My cells would be taken out and put back on the same day"),
                said=_("your cells would be taken out and put back on the same day"),
            ),
            Choice("none_of_these", _("None of these")),
            Choice("not_sure", NOT_SURE),
        ),
    ),
    Question(
        key="region",
        caption=_("About where you live"),
        text=_("Where do you live?"),
        check_label=_("Where you live"),
        hint=_("We use this to link to the clinical trial registers for your area."),
        error=_("Select where you live"),
        reason=_("you answered {answer} when we asked where you live"),
        choices=(
            Choice("us", _("United States")),
            Choice("eu", _("European Union")),
            Choice("uk", _("United Kingdom")),
            Choice("other", _("Somewhere else")),
        ),
    ),
)

BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}
KEYS: tuple[str, ...] = tuple(BY_KEY)
# A red flag is any warning sign an offer had: every value but those that stand alone.
RED_FLAGS: frozenset[str] = frozenset(BY_KEY["offer_features"].values) - set(
    BY_KEY["offer_features"].exclusive
)


def _overlaps(answer: object, values: frozenset[str]) -> bool:
    """A rule condition's `in`: the answer (or, for a list, any chosen value) is one of them."""
    if isinstance(answer, list | tuple):
        return not values.isdisjoint(answer)
    return answer in values


# Derived facts: terms the contract defines over several answers. Rule authors may use them
# like questions. Each is declared once, as the answers that make it "yes": it holds when every
# test of any one alternative holds. The same tests are what it depends on, so the exhaustive
# proofs split the answer space finely enough for it, and cannot drift from its definition.
@dataclass(frozen=True)
class Derived:
    key: str
    reason_yes: str
    reason_no: str
    # Alternatives, each a tuple of (question, values) tests with a rule condition's meaning.
    when: tuple[tuple[tuple[str, frozenset[str]], ...], ...]
    values: tuple[str, ...] = ("yes", "no")

    def holds(self, answers: Mapping[str, object]) -> bool:
        return any(
            all(_overlaps(answers.get(question), values) for question, values in alternative)
            for alternative in self.when
        )

    @property
    def depends_on(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """Every (question, values) test the definition makes."""
        return tuple(test for alternative in self.when for test in alternative)


DERIVED: dict[str, Derived] = {
    "refractory": Derived(
        key="refractory",
        reason_yes=_("your answers say your condition is still active after standard treatment"),
        reason_no=_("your answers say standard treatment has not yet failed for you"),
        when=(
            (("treatment_history", frozenset({"two_plus_failed"})),),
            (
                ("treatment_history", frozenset({"one_failed"})),
                ("activity", frozenset({"active"})),
            ),
        ),
    ),
    "red_flag": Derived(
        key="red_flag",
        reason_yes=_("the offer you described has at least one warning sign"),
        reason_no=_("the offer you described has none of the warning signs we asked about"),
        when=((("offer_features", RED_FLAGS),),),
    ),
}


def is_refractory(answers: Mapping[str, object]) -> bool:
    return DERIVED["refractory"].holds(answers)


def has_red_flag(answers: Mapping[str, object]) -> bool:
    return DERIVED["red_flag"].holds(answers)


def named_signs(answers: Mapping[str, object]) -> tuple[str, ...]:
    """The warning signs the person ticked, in the words the summary tells them back,
    in the order the question lists them."""
    ticked = set(answers.get("offer_features") or ())  # type: ignore[arg-type]
    question = BY_KEY["offer_features"]
    return tuple(tr(c.said) for c in question.choices if c.value in RED_FLAGS and c.value in ticked)


def facts(answers: Mapping[str, object]) -> dict[str, object]:
    """The answers plus the derived facts the rules may test."""
    out = dict(answers)
    for key, derived in DERIVED.items():
        out[key] = "yes" if derived.holds(answers) else "no"
    return out


def answers_in_words(answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """(question, answer) pairs as a patient would read them, in questionnaire order."""
    return [
        (tr(q.check_label), q.answer_text(answers[q.key]))  # type: ignore[arg-type]
        for q in QUESTIONS
        if q.key in answers
    ]


def answers_sentence(answers: Mapping[str, object]) -> str:
    return "; ".join(f"{q}: {a}" for q, a in answers_in_words(answers))


def rule_question_values() -> dict[str, tuple[str, ...]]:
    """Every key a rule condition may name, with its allowed values."""
    out = {q.key: q.values for q in QUESTIONS}
    out.update({d.key: d.values for d in DERIVED.values()})
    return out


def rule_question_label(key: str) -> str:
    """How the admin names a key a rule condition may test."""
    if key in BY_KEY:
        return BY_KEY[key].check_label
    return f"(derived) {key.replace('_', ' ')}"


def applies(question: Question, answers: Mapping[str, object]) -> bool:
    return question.asked_when is None or question.asked_when.holds(answers)


def applicable(answers: Mapping[str, object]) -> list[Question]:
    """The questions this person is asked, in order, given what they have answered."""
    return [q for q in QUESTIONS if applies(q, answers)]


class AnswerError(ValueError):
    """An answers document that breaks the contract; the message names the key or value, and
    `key` the question when there is one (the cards API returns it as the item)."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


def validate_answers(answers: object) -> dict[str, str | list[str]]:
    """Check a complete answers document against the contract and return it cleaned."""
    if not isinstance(answers, dict):
        raise AnswerError("answers must be a JSON object from question key to value")
    for key in answers:
        if key not in BY_KEY:
            raise AnswerError(f"unknown question {key!r}", key=str(key))
    cleaned: dict[str, str | list[str]] = {}
    for question in QUESTIONS:
        present = question.key in answers
        if not applies(question, cleaned):
            if present:
                raise AnswerError(
                    f"question {question.key!r} does not apply to these answers "
                    f"(asked only when {question.asked_when.question!r} is one of "  # type: ignore[union-attr]
                    f"{sorted(question.asked_when.values)})",  # type: ignore[union-attr]
                    key=question.key,
                )
            continue
        if not present:
            raise AnswerError(f"missing answer for {question.key!r}", key=question.key)
        try:
            cleaned[question.key] = question.clean(answers[question.key])
        except AnswerError as exc:
            exc.key = exc.key or question.key
            raise
    return cleaned
