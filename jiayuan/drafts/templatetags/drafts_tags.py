"""`{% draft_form %}` inside a long form: marks it for saving as one types and carries the saved draft back."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString

from jiayuan.drafts.selectors import draft_key, page_drafts

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_form(context, name: str = "") -> SafeString | str:
    """A hidden `_draft` field naming the page (and the form, `name`, where a page has several), and the draft
    saved for it (JSON, not run as script) if any.

    Not shown again after a failed POST that renders the form: it then shows what was just sent. A form whose
    refusal redirects back to the page (the case page's small forms) finds its draft there."""
    request = context.get("request")
    if request is None:
        return ""
    key = f"{request.path}#{name}" if name else request.path
    marker = format_html('<input type="hidden" name="_draft" value="{}">', key)
    draft = None
    if request.method == "GET":
        drafts = getattr(request, "_page_drafts", None)
        if drafts is None:  # read once per page, whatever the number of forms on it
            drafts = request._page_drafts = page_drafts(user=request.user, path=request.path)
        draft = drafts.get(draft_key(key))
    if not draft:
        return marker
    payload = {"fields": draft["fields"], "saved_at": timezone.localtime(draft["saved_at"]).strftime("%m-%d %H:%M")}
    return format_html("{}{}", marker, json_script(payload, f"draft-saved-{name}" if name else "draft-saved"))
