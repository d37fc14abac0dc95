"""The section slugs the code itself depends on, declared once.

Every other section is data (rows in the admin, JSON in ``fixtures/``). These are named by code:
the mandatory sections and the tourism warning's place (``rules``), the principles
(``principles``), the registry links on the trials section (``summary.cards``) and the questions
on the appointment sheet (``summary.sheet``). Everyone imports them from here, and
tests/test_content.py checks that each is a shipped section. No import: the engine's other
modules all read it.
"""

from __future__ import annotations

# Shown first in every summary, whatever the data says (their built-in text is in safety.py).
NOT_MEDICAL_ADVICE = "not-medical-advice"
APPROVED_PROTOCOLS = "approved-protocols"
MANDATORY: tuple[str, ...] = (NOT_MEDICAL_ADVICE, APPROVED_PROTOCOLS)

TOURISM_WARNING = "tourism-warning"  # right after the mandatory sections when shown
CLINICAL_TRIALS = "clinical-trials"  # carries the registry links for the person's region
QUESTIONS_TO_ASK = "questions-to-ask"  # the appointment sheet's questions come from its text
WEIGHING_RISKS = "weighing-risks"
HSCT_HOW_IT_WORKS = "hsct-how-it-works"
HSCT_JOURNEY = "hsct-journey"
HSCT_RISKS = "hsct-risks"
MSC_HOW_IT_WORKS = "msc-how-it-works"
MSC_SAFETY = "msc-safety"
CAR_T = "car-t-cell-therapy"  # its risks are in the same section

# The evidence section for each answer to "Which condition do you have?".
EVIDENCE: dict[str, str] = {
    "ms_relapsing": "evidence-ms-relapsing",
    "ms_progressive": "evidence-ms-progressive",
    "systemic_sclerosis": "evidence-systemic-sclerosis",
    "lupus": "evidence-lupus",
    "crohns": "evidence-crohns",
    "type1_diabetes": "evidence-type1-diabetes",
    "rheumatoid_arthritis": "evidence-rheumatic-other",
    "vasculitis": "evidence-rheumatic-other",
    "myositis": "evidence-rheumatic-other",
    "neuro_other": "evidence-neuro-other",
    "other": "evidence-other",
}
