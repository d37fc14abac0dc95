"""The two sections every summary carries, whatever the data says.

The engine adds them itself (`rules.builtin_section` turns this data into a section, so this
module imports nothing and the engine has no import circle); their text normally comes from the database like any other
section, so editors can improve it, but if a row is deleted or switched off the built-in text
below is shown instead. Nothing an admin does can make a summary appear without them.
"""

from __future__ import annotations

NOT_MEDICAL_ADVICE = "not-medical-advice"
APPROVED_PROTOCOLS = "approved-protocols"
MANDATORY: tuple[str, ...] = (NOT_MEDICAL_ADVICE, APPROVED_PROTOCOLS)

BUILTIN: dict[str, dict] = {
    NOT_MEDICAL_ADVICE: {
        "title": "This is information, not medical advice",
        "summary": "This summary explains what is known. It cannot say whether any treatment "
        "is suitable for you.",
        "body": (
            "This tool gives general information about stem-cell treatments for autoimmune "
            "conditions, chosen by your answers. It does not know your medical history, it has "
            "not examined you and it is not a doctor.\n\n"
            "Take this summary to your specialist team and talk it through with them. Do not "
            "start, stop or change any treatment because of what you read here."
        ),
        "indicator": "warning",
        "sources": (
            (
                "ISSCR: A Closer Look at Stem Cells, patient resources",
                "https://www.closerlookatstemcells.org/patient-resources/",
            ),
        ),
    },
    APPROVED_PROTOCOLS: {
        "title": "Treatment only through approved routes",
        "summary": "Stem-cell treatment should only happen through an approved protocol, an "
        "accredited centre or a registered clinical trial.",
        "body": (
            "Stem-cell transplants for autoimmune conditions are done safely only by teams who "
            "follow an approved protocol: at a transplant centre accredited by JACIE (in Europe) "
            "or FACT (in the Americas), or inside a registered clinical trial with ethics "
            "approval.\n\n"
            "Your own specialist team can tell you whether any of these routes is open to you."
        ),
        "indicator": "warning",
        "sources": (
            (
                "Snowden JA et al. Bone Marrow Transplantation 2012;47:770-790 (EBMT guidelines)",
                "https://doi.org/10.1038/bmt.2011.185",
            ),
            (
                "JACIE accreditation (EBMT)",
                "https://www.ebmt.org/jacie-accreditation",
            ),
        ),
    },
}
