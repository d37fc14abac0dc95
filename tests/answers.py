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
