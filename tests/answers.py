"""Named people used across the tests: complete answer sets that follow the contract."""

REFRACTORY_MS_HIGH_RISK = {
    "condition": "ms_relapsing",
    "activity": "active",
    "treatment_history": "two_plus_failed",
    "years_since_diagnosis": "2_to_5",
    "risk_tolerance": "high",
    "offer_received": "no",
    "region": "uk",
}
CROHNS_FISTULA_LOW_RISK = {
    "condition": "crohns",
    "crohns_fistula": "yes",
    "activity": "active",
    "treatment_history": "one_failed",
    "years_since_diagnosis": "5_to_10",
    "risk_tolerance": "low",
    "offer_received": "no",
    "region": "eu",
}
LUPUS_UNSURE = {
    "condition": "lupus",
    "activity": "unsure",
    "treatment_history": "unsure",
    "years_since_diagnosis": "unsure",
    "risk_tolerance": "unsure",
    "offer_received": "unsure",
    "offer_features": ["none_of_these"],
    "region": "other",
}
TYPE1_DIABETES = {
    "condition": "type1_diabetes",
    "activity": "stable",
    "treatment_history": "responding",
    "years_since_diagnosis": "under_2",
    "risk_tolerance": "moderate",
    "offer_received": "no",
    "region": "us",
}
OFFERED_ABROAD = {
    "condition": "ms_progressive",
    "activity": "stable",
    "treatment_history": "one_failed",
    "years_since_diagnosis": "over_10",
    "risk_tolerance": "moderate",
    "offer_received": "yes",
    "offer_features": ["pay_upfront", "travel_abroad", "testimonials"],
    "region": "us",
}
OTHER_CONDITION = {
    "condition": "other",
    "activity": "active",
    "treatment_history": "none_yet",
    "years_since_diagnosis": "under_2",
    "risk_tolerance": "moderate",
    "offer_received": "no",
    "region": "other",
}
SYSTEMIC_SCLEROSIS_REFRACTORY = {
    "condition": "systemic_sclerosis",
    "activity": "active",
    "treatment_history": "one_failed",
    "years_since_diagnosis": "under_2",
    "risk_tolerance": "moderate",
    "offer_received": "no",
    "region": "eu",
}


LUPUS_REFRACTORY = {
    "condition": "lupus",
    "activity": "active",
    "treatment_history": "two_plus_failed",
    "years_since_diagnosis": "5_to_10",
    "risk_tolerance": "moderate",
    "offer_received": "no",
    "region": "eu",
}


# --- the answer sets that make the longest pages ------------------------------------------------


def _lengthened(answers: dict, ruleset) -> dict:
    """The same sections, with the longest answer words: each single-choice answer swapped for
    the value with the longest label that shows the same sections, and every warning sign
    ticked when that shows the same sections (the key point then names all of them)."""
    from triage.engine import questions
    from triage.engine.rules import evaluate

    def slugs(a):
        return [s.slug for s in evaluate(a, ruleset)]

    target = slugs(answers)
    out = dict(answers)
    for question in questions.applicable(out):
        if question.multiple:
            signs = [v for v in question.values if v in questions.RED_FLAGS]
            if slugs({**out, question.key: signs}) == target:
                out[question.key] = signs
            continue
        for value in sorted(question.values, key=lambda v: -len(question.label_for(v))):
            trial = {**out, question.key: value}
            if questions.applicable(trial) == questions.applicable(out) and slugs(trial) == target:
                out[question.key] = value
                break
    return out


def extremes(ruleset) -> dict[str, dict]:
    """Two answer sets for print tests and measurements: the one whose full summary has the
    most text ("longest") and the one with the most key points, then the longest key points,
    answers and trial links ("most-key-points"), which is what fills the appointment sheet."""
    from triage.engine import principles, questions
    from triage.engine.rules import evaluate
    from triage.summary import registries

    def full_text(answers):
        shown = evaluate(answers, ruleset)
        sections = [ruleset.section(s.slug) for s in shown]
        return sum(len(s.body) + len(s.summary) for s in sections)

    def sheet_text(answers):
        shown = evaluate(answers, ruleset)
        words = sum(len(ruleset.section(s.slug).summary) for s in shown)
        words += sum(len(w) for s in shown for w in s.named)
        words += sum(len(q.answer_text(answers[q.key])) for q in questions.applicable(answers))
        links = registries.links_for(str(answers["condition"]), str(answers["region"]))
        words += sum(len(link.url) + len(link.label) for link in links[:2])
        return (len(shown), words)

    candidates = [(len(evaluate(a, ruleset)), a) for a, _ in principles.answer_classes(ruleset)]
    longest = _lengthened(max((a for _, a in candidates), key=full_text), ruleset)
    top = max(n for n, _ in candidates)
    # Answer sets that differ only in the warning signs or the answer words fill the sheet the
    # same way once lengthened: compare each distinct set of sections once.
    seen: dict[tuple[str, ...], dict] = {}
    for n, answers in candidates:
        if n == top:
            key = (*(s.slug for s in evaluate(answers, ruleset)), str(answers["region"]))
            seen.setdefault(key, answers)
    most = max((_lengthened(a, ruleset) for a in seen.values()), key=sheet_text)
    return {"longest": longest, "most-key-points": most}
