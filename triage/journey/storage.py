"""Wizard storage that writes the session only when the answers change.

formtools' SessionStorage marks the session modified whenever its data is read, so every page
view rewrites the session row. This subclass marks it only on real changes, which saves a
database write on each question GET and on each re-shown page.
"""

from formtools.wizard.storage.session import SessionStorage


class QuietSessionStorage(SessionStorage):
    def _get_data(self):
        return self.request.session[self.prefix]

    def _set_data(self, value):
        self.request.session[self.prefix] = value  # assignment marks the session modified

    data = property(_get_data, _set_data)

    def _changed(self) -> None:
        self.request.session.modified = True

    def _set_current_step(self, step):
        if self.data[self.step_key] != step:
            self.data[self.step_key] = step
            self._changed()

    def set_step_data(self, step, cleaned_data):
        super().set_step_data(step, cleaned_data)
        self._changed()

    def set_step_files(self, step, files):
        super().set_step_files(step, files)
        self._changed()

    def forget_step(self, step) -> None:
        """Drop a step's answer, e.g. for a question that no longer applies."""
        removed = self.data[self.step_data_key].pop(step, None)
        self.data[self.step_files_key].pop(step, None)
        if removed is not None:
            self._changed()
