"""What a browser posts from an admin change form, for tests that edit as an editor would."""

import datetime


def _put(data, name, value):
    if value is None:
        return
    if isinstance(value, bool):
        if value:
            data[name] = "on"
        return
    if isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
        return
    if isinstance(value, datetime.date):
        data[name] = value.isoformat()
        return
    data[name] = str(value)


def form_data(response):
    """Everything the change form would post as it stands, inlines included."""
    data = {}
    for bound in response.context["adminform"].form:
        _put(data, bound.html_name, bound.value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            _put(data, bound.html_name, bound.value())
        for form in formset.forms:
            for bound in form:
                _put(data, bound.html_name, bound.value())
    data["_save"] = "Save"
    return data
