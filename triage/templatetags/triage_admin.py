"""The admin index's panel: sections overdue for review, and the authoring tools."""

from __future__ import annotations

from django import template

from triage.admin.views import can_author
from triage.authoring import reviews
from triage.models import Section

register = template.Library()


@register.inclusion_tag("admin/triage/_authoring_panel.html", takes_context=True)
def authoring_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    show = bool(user and user.has_perm("triage.view_section"))
    overdue = reviews.overdue(Section.objects.all()) if show else []
    return {"show": show, "overdue": overdue, "can_author": bool(user and can_author(user))}
