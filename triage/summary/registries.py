"""Links to clinical trial registries, built for a person's condition and region.

Built offline from each registry's documented search-URL pattern; nothing is fetched. Being listed
in a registry is not an approval, and every place that shows these links says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.utils.translation import gettext_noop

SEARCH_TERMS = {
    "ms_relapsing": "Multiple Sclerosis",
    "ms_progressive": "Multiple Sclerosis",
    "systemic_sclerosis": "Systemic Sclerosis",
    "lupus": "Systemic Lupus Erythematosus",
    "crohns": "Crohn Disease",
    "type1_diabetes": "Type 1 Diabetes",
    "rheumatoid_arthritis": "Rheumatoid Arthritis",
    "vasculitis": "Vasculitis",
    "myositis": "Myositis",
    "neuro_other": "CIDP OR Neuromyelitis Optica OR Myasthenia Gravis OR Stiff-Person Syndrome",
    "other": "Autoimmune Diseases",
}
NOT_APPROVAL = gettext_noop(
    "Being listed in a trial registry does not mean a treatment is approved, safe or proven. "
    "Registries list studies; they do not check or endorse them."
)


@dataclass(frozen=True)
class RegistryLink:
    label: str
    url: str

    def as_card_link(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url, "type": "absolute"}


def clinicaltrials_gov(term: str) -> str:
    query = urlencode({"cond": term, "intr": "stem cell", "aggFilters": "status:rec"}, safe=":")
    return f"https://clinicaltrials.gov/search?{query}"


def eu_ctis(term: str) -> str:
    criteria = json.dumps(
        {"containAll": "", "containAny": f"{term} stem cell", "containNot": ""},
        separators=(",", ":"),
    )
    return f"https://euclinicaltrials.eu/ctis-public/search#searchCriteria={quote(criteria)}"


def isrctn(term: str) -> str:
    return "https://www.isrctn.com/search?" + urlencode({"q": f"{term} stem cell"})


WHO_ICTRP = "https://trialsearch.who.int/"


def plain_terms(condition: str) -> str:
    """The condition's search words as a person would type them ("CIDP, Myasthenia Gravis")."""
    return SEARCH_TERMS.get(condition, SEARCH_TERMS["other"]).replace(" OR ", ", ")


def links_for(condition: str, region: str) -> list[RegistryLink]:
    """ClinicalTrials.gov always; then the EU, UK or WHO register for the person's region."""
    term = SEARCH_TERMS.get(condition, SEARCH_TERMS["other"])
    plain = plain_terms(condition)
    out = [
        RegistryLink(
            f"Recruiting trials for {plain} on ClinicalTrials.gov", clinicaltrials_gov(term)
        )
    ]
    if region == "eu":
        out.append(
            RegistryLink(
                f"Trials for {plain} in the EU Clinical Trials Information System", eu_ctis(term)
            )
        )
    elif region == "uk":
        out.append(RegistryLink(f"Trials for {plain} on the ISRCTN registry (UK)", isrctn(term)))
    elif region == "other":
        out.append(
            RegistryLink(
                f"WHO International Clinical Trials Registry Platform "
                f"(search for: {plain} stem cell)",
                WHO_ICTRP,
            )
        )
    return out
