"""What a browser posts from an admin change form, for tests that edit as an editor would."""

import datetime

from django.urls import reverse


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


def change_url(obj):
    return reverse(f"admin:triage_{obj._meta.model_name}_change", args=[obj.pk])


def open_change(client, obj):
    """Open an object's change page and return what its form would post unchanged."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return form_data(response)


def confirm(client, url, response):
    """Press "Confirm and save" on the confirmation page."""
    assert response.status_code == 200
    assert "admin/triage/confirm_change.html" in [t.name for t in response.templates]
    data = {}
    for name, value in response.context["posted"]:
        data.setdefault(name, []).append(value)
    data[response.context["confirm_name"]] = response.context["token"]
    return client.post(url, data)


def condition_prefix(data, question):
    """The form prefix of a rule's condition on `question`, in posted change-form data."""
    for key, value in data.items():
        if key.startswith("conditions-") and key.endswith("-question") and value == question:
            return key.removesuffix("-question")
    raise AssertionError(f"no condition on {question}")


def page(response):
    return response.content.decode()
