"""A section's parts about one region each ("### What is approved in the UK", "… in the EU",
"… in the US") shown with the person's region first.

Pure text in, text out: the summary calls it when it builds the page, so a stored summary shows
the region the person chose first whatever order an editor wrote the parts in. Parts about
other subjects, and the order of the remaining regions, stay as written. A body with no region
parts, or an answer of ``other``, comes back unchanged.
"""

from __future__ import annotations

import re
from itertools import pairwise

# The contract's `region` values that have parts of their own, and the words a heading uses.
REGION_WORDS = {"uk": "UK", "eu": "EU", "us": "US"}
HEADING = re.compile(r"^### .*\b(?:in|for) the (UK|EU|US)\b", re.IGNORECASE)
# The same headings in the Spanish translations: "### Qué está aprobado en el Reino Unido",
# "… en la Unión Europea", "… en Estados Unidos" (accents optional).
SPANISH_HEADING = re.compile(
    r"^### .*\b(?:en|para) (?:(el Reino Unido)|(la Uni[oó]n Europea)|(?:los )?(Estados Unidos))\b",
    re.IGNORECASE,
)
PART_START = re.compile(r"^### ", re.MULTILINE)


def heading_region(part: str) -> str | None:
    """The contract value ("uk", "eu", "us") a part's `###` heading names, or None."""
    first_line = part.split("\n", 1)[0]
    match = HEADING.match(first_line)
    if not match:
        spanish = SPANISH_HEADING.match(first_line)
        if not spanish:
            return None
        return ("uk", "eu", "us")[next(i for i, g in enumerate(spanish.groups()) if g)]
    words = match.group(1).upper()
    return next(value for value, name in REGION_WORDS.items() if name == words)


def split_parts(body: str) -> list[str]:
    """The text before the first `###` heading (possibly empty), then one string per `###`
    part, heading and text up to the next heading; joined, they give the body back exactly."""
    bounds = [0, *(m.start() for m in PART_START.finditer(body)), len(body)]
    return [body[a:b] for a, b in pairwise(bounds) if b > a or a == 0]


def region_first(body: str, region: object) -> str:
    """The body with each run of neighbouring region parts reordered so that the part about
    `region` comes first; the other parts keep their order. Unchanged when nothing moves."""
    if region not in REGION_WORDS or not body:
        return body
    parts = split_parts(body)
    ordered: list[str] = []
    run: list[str] = []

    def flush() -> None:
        ordered.extend(p for p in run if heading_region(p) == region)
        ordered.extend(p for p in run if heading_region(p) != region)
        run.clear()

    for part in parts:
        if heading_region(part):
            run.append(part)
        else:
            flush()
            ordered.append(part)
    flush()
    if ordered == parts:
        return body
    # Parts end where the next heading starts; separate them again with one blank line.
    text = "\n\n".join(p.rstrip("\n") for p in ordered if p.strip())
    return text + "\n" if body.endswith("\n") else text


REGION_LINE = re.compile(r"^\s*(EU|UK|US)\s*:", re.IGNORECASE)  # a grid cell's line


def lines_region_first(text: str, region: str) -> str:
    """The `approved` row says what holds in the person's region first: lines that start with
    "EU:", "UK:" or "US:" are reordered so the person's region leads (the rest keep their
    order); any other line stays where it is."""
    lines = text.splitlines()
    tagged = [
        (i, m.group(1).upper()) for i, line in enumerate(lines) if (m := REGION_LINE.match(line))
    ]
    wanted = region.upper()
    if not tagged or wanted not in {tag for _, tag in tagged}:
        return text
    places = [i for i, _ in tagged]
    ordered = sorted(tagged, key=lambda pair: pair[1] != wanted)  # stable: others keep order
    out = list(lines)
    for place, (source, _) in zip(places, ordered, strict=True):
        out[place] = lines[source]
    return "\n".join(out)
