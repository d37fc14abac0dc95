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
    """The change form of `obj` as the browser would post it unchanged."""
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
    """The form prefix of the condition on `question` in a rule's posted change form."""
    for key, value in data.items():
        if key.startswith("conditions-") and key.endswith("-question") and value == question:
            return key.removesuffix("-question")
    raise AssertionError(f"no condition on {question}")


def page(response):
    return response.content.decode()


def field_errors(response):
    """Every error the change page shows beside a field, as {(form, field): [(code, message)]}:
    form is "" for the section or rule itself, else the inline row's prefix
    ("conditions-0")."""
    found = {}
    forms = [("", response.context["adminform"].form)]
    for inline in response.context["inline_admin_formsets"]:
        forms.extend((form.prefix, form) for form in inline.formset.forms)
    for prefix, form in forms:
        for field, errors in form.errors.as_data().items():
            found[(prefix, field)] = [(e.code, e.messages[0]) for e in errors]
    return found


def ruleset_errors(response):
    """The errors shown above the form, about the ruleset as a whole, as (code, message)."""
    [inline] = response.context["inline_admin_formsets"]
    return [(e.code, e.messages[0]) for e in inline.formset.non_form_errors().as_data()]
