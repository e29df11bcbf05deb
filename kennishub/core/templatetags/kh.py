"""Template helpers of the shell: the primary navigation, constant layout parts and NL Design
System form widgets."""

from collections.abc import Callable
from typing import Any

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.template.base import UNKNOWN_SOURCE
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..navigation import PRIMARY_NAVIGATION

register = template.Library()

# Rendered layout parts (and the URLs they link to) that are the same on every page for a language
# (see ``constant``), kept for the life of the process: a deploy restarts it. The keys are few:
# part x language x urlconf.
_RENDERED: dict[tuple, Any] = {}


def _remembered[T](key: tuple, render: Callable[[], T]) -> T:
    """`render()`, once per `key` and process; every time with DEBUG on (templates change then)."""
    if settings.DEBUG:
        return render()
    key = (*key, get_language(), get_urlconf())
    value = _RENDERED.get(key)
    if value is None:
        value = _RENDERED[key] = render()
    return value


def forget_rendered() -> None:
    """Drop every remembered part (tests that change settings or URLs)."""
    _RENDERED.clear()


def _current_section(path: str) -> int | None:
    for position, item in enumerate(PRIMARY_NAVIGATION):
        if path == "/" if item.path_prefix == "/" else path.startswith(item.path_prefix):
            return position
    return None


def _navigation_html(current: int | None) -> SafeString:
    items = [
        {"label": item.label, "url": url, "current": position == current}
        for position, item in enumerate(PRIMARY_NAVIGATION)
        if (url := _reverse_or_empty(item.url_name))  # a section whose app is not installed is not linked
    ]
    return mark_safe(render_to_string("components/primary_nav.html", {"items": items}))  # noqa: S308


@register.simple_tag(takes_context=True)
def primary_navigation(context) -> SafeString:
    """The sections of PRIMARY_NAVIGATION, the current one marked for aria-current.

    Rendered once per current section and language (six URL lookups and a template otherwise).
    """
    request = context.get("request")
    current = _current_section(request.path if request else "")
    return _remembered(("primary_navigation", current), lambda: _navigation_html(current))


class ConstantNode(template.Node):
    def __init__(self, nodelist, key: tuple | None):
        self.nodelist, self.key = nodelist, key

    def render(self, context) -> SafeString:
        if self.key is None:
            return self.nodelist.render(context)
        return _remembered(self.key, lambda: self.nodelist.render(context))


@register.tag
def constant(parser, token) -> ConstantNode:
    """``{% constant %}…{% endconstant %}``: a part of the layout that is the same on every page,
    for every user, in one language -- the footer, the header's logo and search box. Rendered once
    per language and process, so each page saves its URL lookups, translations and includes.

    Never put anything inside that depends on the request, the user, the page or a nonce: the
    first page to render it decides it for all. Settings it reads count as constant too.
    """
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("'constant' takes no arguments")
    origin = getattr(parser, "origin", None)
    name = getattr(origin, "name", UNKNOWN_SOURCE)
    # A template made from a string has no name to tell its parts apart: rendered every time.
    key = None if name == UNKNOWN_SOURCE else ("constant", name, token.lineno, token.position)
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    return ConstantNode(nodelist, key)


# NL Design System class per widget type; anything not listed keeps Django's own markup.
_WIDGET_CLASSES = [
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    # CheckboxSelectMultiple is a RadioSelect subclass, so it goes first.
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.FileInput, "utrecht-file-input"),
    (forms.widgets.Input, "utrecht-textbox utrecht-textbox--html-input"),
]


@register.filter
def field_kind(field: BoundField) -> str:
    """'checkbox', 'choices' (a group of radios or checkboxes) or 'input', for field.html."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "choices"
    return "input"


@register.filter
def nl_widget(field: BoundField):
    """Render the field's widget with NL Design System classes and the ARIA links to its texts."""
    widget = field.field.widget
    attrs = {}
    css = next((css for kind, css in _WIDGET_CLASSES if isinstance(widget, kind)), "")
    if field.errors and css:
        base = css.split()[0]
        css += f" {base}--invalid"
    classes = dict.fromkeys([*widget.attrs.get("class", "").split(), *css.split()])  # ordered, no repeats
    if classes:
        attrs["class"] = " ".join(classes)
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def querystring_with(query_dict, key: str, value) -> str:
    """`query_dict` urlencoded with `key` set to `value`: page links keep the search and filters."""
    params = query_dict.copy()
    params[key] = value
    return params.urlencode()


def _reverse_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@register.simple_tag
def account_urls() -> dict[str, str]:
    """The header's account URLs ("" for one that does not exist), looked up once per process."""
    names = ("login", "profile", "logout", "register")
    return _remembered(
        ("account_urls",), lambda: {name: _reverse_or_empty(f"accounts:{name}") for name in names}
    )
