"""Unfinished answers to the questionnaire, kept in the person's browser, not on our server.

A formtools storage backend over one signed cookie (triage/platform/cookies.py): the answers
so far (contract values only, nothing typed freely), the step and a flag for "changing an
answer from check answers". Nothing is written to the database until the person confirms
their answers, and then only the summary. The cookie is written only when something in it
changes, and expires SESSION_COOKIE_AGE seconds after the last change.
"""

from __future__ import annotations

from django.conf import settings
from formtools.wizard.storage.base import BaseStorage

from triage.platform import cookies

SALT = "triage.journey.answers"


def _well_formed(data: object) -> bool:
    """What this module writes: anything else (a cookie from an older release) is ignored."""
    if not isinstance(data, dict):
        return False
    steps = data.get(BaseStorage.step_data_key)
    return (
        isinstance(steps, dict)
        and all(
            isinstance(fields, dict)
            and all(
                isinstance(v, list) and all(isinstance(x, str) for x in v) for v in fields.values()
            )
            for fields in steps.values()
        )
        and isinstance(data.get(BaseStorage.extra_data_key), dict)
        and isinstance(data.get(BaseStorage.step_key), str | None)
    )


class SignedCookieStorage(BaseStorage):
    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        data = cookies.read(request, self.prefix, salt=SALT, max_age=self.max_age)
        self.changed = False
        if _well_formed(data):
            self.data = data
            self.data.setdefault(self.step_files_key, {})
        else:
            self.init_data()

    @property
    def max_age(self) -> int:
        return settings.SESSION_COOKIE_AGE

    @property
    def empty(self) -> bool:
        return not self.data[self.step_data_key] and not self.data[self.extra_data_key]

    def _set_current_step(self, step):
        if self.data[self.step_key] != step:
            self.data[self.step_key] = step
            self.changed = True

    def set_step_data(self, step, cleaned_data):
        super().set_step_data(step, cleaned_data)
        self.changed = True

    def set_step_files(self, step, files):
        if files:  # no question uploads a file
            raise ValueError("the questionnaire stores no files")

    def forget_step(self, step) -> None:
        """Drop a step's answer, e.g. for a question that no longer applies."""
        if self.data[self.step_data_key].pop(step, None) is not None:
            self.changed = True

    def flag(self, name: str) -> bool:
        return bool(self.data[self.extra_data_key].get(name))

    def set_flag(self, name: str, on: bool) -> None:
        if self.flag(name) != on:
            extra = self.data[self.extra_data_key]
            if on:
                extra[name] = True
            else:
                extra.pop(name, None)
            self.changed = True

    def reset(self):
        had = not self.empty
        self.init_data()
        self.changed = self.changed or had

    def update_response(self, response):
        super().update_response(response)
        if not self.changed:
            return
        if self.empty:
            if self.prefix in self.request.COOKIES:
                cookies.clear(response, self.prefix)
        else:
            cookies.write(response, self.prefix, self.data, salt=SALT, max_age=self.max_age)
