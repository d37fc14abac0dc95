"""Section texts that the readability check measures: refused above the limits, warned
between target and limit."""

HARD = (
    "Autologous haematopoietic stem cell transplantation necessitates comprehensive "
    "multidisciplinary evaluation incorporating cardiopulmonary assessment."
)
HARD_BODY = f"The team checks the heart and lungs first. {HARD} Most people stay in hospital."
HARD_KEY_POINT = (
    "Haematopoietic stem cell transplantation necessitates comprehensive multidisciplinary "
    "evaluation."
)
# Between target (10) and limit (12): saved, with a warning.
FAIRLY_HARD_KEY_POINT = (
    "Stem-cell transplants should only be done at an accredited centre or in a registered "
    "clinical trial."
)
