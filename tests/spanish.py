"""The Spanish catalogue as data, and a Spanish journey walked with the test client: shared by
the language tests, the FHIR tests and the browser tests."""

import re
from pathlib import Path

from django.conf import settings

from tests import answers as people
from tests.journey import PREFIX
from triage.engine import questions
from triage.models import Submission

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


# --- the catalogue ---------------------------------------------------------------------------


def _unquote(lines: list[str]) -> str:
    import ast

    return "".join(ast.literal_eval(line) for line in lines)


def catalogue(path: Path = PO) -> list[dict]:
    """The .po file's entries: msgctxt, msgid, msgid_plural, the msgstr forms and the flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": [], "msgstr": {}}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += [f.strip() for f in line[2:].split(",")]
                continue
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) (".*")$', line)
            if match:
                field = match.group(1)
                entry.setdefault("_raw", {})[field] = [match.group(3)]
            elif line.startswith('"') and field:
                entry["_raw"][field].append(line)
        for field, lines in entry.pop("_raw", {}).items():
            text = _unquote(lines)
            if field.startswith("msgstr"):
                entry["msgstr"][field] = text
            else:
                entry[field] = text
        entries.append(entry)
    return [e for e in entries if e.get("msgid")]  # the header has an empty msgid


def english_msgids(min_length: int = 0) -> set[str]:
    return {e["msgid"] for e in catalogue() if len(e["msgid"]) >= min_length}


def spanish_summary(client, answers=people.CROHNS_FISTULA_LOW_RISK) -> Submission:
    client.get("/es/questions/condition/")
    for question in questions.applicable(answers):
        value = answers[question.key]
        response = client.post(
            f"/es/questions/{question.key}/",
            {f"{PREFIX}-current_step": question.key, f"{question.key}-answer": value},
        )
        assert response.status_code == 302, response.content[:300]
    check = client.get("/es/questions/check/").content.decode()
    assert "Revise sus respuestas" in check
    assert ("Fístula perianal" in check) is ("crohns_fistula" in answers)
    confirmed = client.post("/es/questions/check/")
    assert confirmed.status_code == 302 and confirmed["Location"].startswith("/es/summary/")
    return Submission.objects.get()
