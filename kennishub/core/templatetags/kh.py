"""Template helpers of the shell: the primary navigation and NL Design System form widgets."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.urls import NoReverseMatch, reverse

from ..navigation import PRIMARY_NAVIGATION

register = template.Library()


@register.inclusion_tag("components/primary_nav.html", takes_context=True)
def primary_navigation(context) -> dict:
    """The sections of PRIMARY_NAVIGATION, the current one marked for aria-current."""
    request = context.get("request")
    path = request.path if request else ""
    items = []
    for item in PRIMARY_NAVIGATION:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # a section whose app is not installed is not linked
        current = path == "/" if item.path_prefix == "/" else path.startswith(item.path_prefix)
        items.append({"label": item.label, "url": url, "current": current})
    return {"items": items}


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
