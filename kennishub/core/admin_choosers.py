"""Wagtail's chooser widgets without their inline script, for the admin's CSP.

``BaseChooser.render`` (documents, pages, snippets, images, tasks) writes
``<script>new DocumentChooser("id", {...});</script>`` after the widget. The admin runs under a
policy without 'unsafe-inline' scripts, so the browser blocks that script and the "Kies een
document" button does nothing. ``render`` below writes the same call as data attributes instead;
``core/static/core/js/admin-csp.js`` (on every admin page, see wagtail_hooks) makes it, also for
forms added later (an inline panel's "Toevoegen").
"""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser


def _start_call(widget: BaseChooser, id_: str, name: str, value_data) -> tuple[str, str, list]:
    """(kind, function, arguments) of the call Wagtail's inline script would make."""
    if isinstance(widget, AdminTaskChooser):
        return "call", "createTaskChooser", [id_]
    return "new", widget.js_constructor, [id_, widget.get_js_init_options(id_, name, value_data)]


def render(self: BaseChooser, name, value, attrs=None, renderer=None):
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    kind, function, arguments = _start_call(self, id_, name, value_data)
    start = format_html(
        '<span hidden data-kh-start="{}" data-kh-function="{}" data-kh-args="{}"></span>',
        kind,
        function,
        json.dumps(arguments),
    )
    return mark_safe(widget_html) + start  # noqa: S308 - Wagtail's own widget HTML, as its render returns


def install() -> None:
    BaseChooser.render = render
