"""The AVG export shown to people: Dutch labels, formatted dates, empty values said as such.

The download (/account/mijn-gegevens/download/) stays the machine-readable export; this module
only turns the same data into a tree the page template walks. Labels come from the exporter's
registration (``personal_data.register(..., labels=...)``), else from the glossary below, which
covers the keys the apps' exporters use today, else from the key itself.
"""

import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy
from wagtail.log_actions import registry as log_registry

from . import personal_data

# Keys of the exporters of other apps (and words several of them share).
GLOSSARY = {
    "account": pgettext_lazy("personal data", "account"),
    "action": pgettext_lazy("personal data", "action"),
    "active": pgettext_lazy("personal data", "active"),
    "authenticator_apps": pgettext_lazy("personal data", "authenticator apps"),
    "checked_in_at": pgettext_lazy("personal data", "checked in on"),
    "comment": pgettext_lazy("personal data", "comment"),
    "confirmed": pgettext_lazy("personal data", "confirmed"),
    "context": pgettext_lazy("personal data", "explanation"),
    "course": pgettext_lazy("personal data", "course"),
    "course_interests": pgettext_lazy("personal data", "Interest in courses"),
    "created_at": pgettext_lazy("personal data", "created on"),
    "data": pgettext_lazy("personal data", "details"),
    "domain": pgettext_lazy("personal data", "domain"),
    "email": pgettext_lazy("personal data", "e-mail address"),
    "evaluation": pgettext_lazy("personal data", "evaluation"),
    "event_registrations": pgettext_lazy("personal data", "Registrations for knowledge sessions"),
    "fields": pgettext_lazy("personal data", "fields"),
    "importance": pgettext_lazy("personal data", "importance"),
    "kennisbank": pgettext_lazy("personal data", "Knowledge base"),
    "knowledge_agenda": pgettext_lazy("personal data", "Knowledge agenda"),
    "last_login": pgettext_lazy("personal data", "last login"),
    "last_sent_on": pgettext_lazy("personal data", "last sent on"),
    "message": pgettext_lazy("personal data", "message"),
    "method": pgettext_lazy("personal data", "method"),
    "mode": pgettext_lazy("personal data", "way of taking part"),
    "municipality": pgettext_lazy("personal data", "municipality"),
    "municipality_code": pgettext_lazy("personal data", "municipality code"),
    "name": pgettext_lazy("personal data", "name"),
    "notifications": pgettext_lazy("personal data", "notifications"),
    "purpose": pgettext_lazy("personal data", "purpose"),
    "question": pgettext_lazy("personal data", "question"),
    "questions": pgettext_lazy("personal data", "questions"),
    "registered_at": pgettext_lazy("personal data", "registered on"),
    "request": pgettext_lazy("personal data", "request"),
    "role_kind": pgettext_lazy("personal data", "kind of role"),
    "roles": pgettext_lazy("personal data", "roles"),
    "score": pgettext_lazy("personal data", "score"),
    "session": pgettext_lazy("personal data", "knowledge session"),
    "starts_at": pgettext_lazy("personal data", "starts on"),
    "status": pgettext_lazy("personal data", "status"),
    "submitted_on": pgettext_lazy("personal data", "submitted on"),
    "submitted_practices": pgettext_lazy("personal data", "good practices you submitted"),
    "subscribed_on": pgettext_lazy("personal data", "subscribed on"),
    "supports": pgettext_lazy("personal data", "questions you support"),
    "text": pgettext_lazy("personal data", "text"),
    "theme": pgettext_lazy("personal data", "theme"),
    "timestamp": pgettext_lazy("personal data", "date and time"),
    "title": pgettext_lazy("personal data", "title"),
    "weekly_digest": pgettext_lazy("personal data", "weekly e-mail with new knowledge"),
}

YES = pgettext_lazy("personal data", "yes")
NO = pgettext_lazy("personal data", "no")

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _label(key: str, labels) -> str:
    label = labels.get(key) or GLOSSARY.get(key) or key.replace("_", " ")
    return capfirst(str(label))


def _text(value, key: str | None) -> str:
    if key == "action" and isinstance(value, str) and log_registry.action_exists(value):
        return str(log_registry.get_action_label(value))  # an audit entry: its Dutch label
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, str):
        if _DATETIME.fullmatch(value):
            moment = datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return format_date(moment, "j F Y, H:i")
        if _DATE.fullmatch(value):
            return format_date(date.fromisoformat(value), "j F Y")
    return str(value)


def _node(value, labels, key: str | None = None) -> dict:
    """One value as a node: empty, text, mapping (label and node per key) or list of nodes."""
    if value is None or value == "" or value == [] or value == {}:
        return {"kind": "empty"}
    if isinstance(value, dict):
        return {
            "kind": "mapping",
            "items": [
                {"label": _label(key, labels), "node": _node(item, labels, key)}
                for key, item in value.items()
            ],
        }
    if isinstance(value, list | tuple):
        return {"kind": "list", "items": [_node(item, labels, key) for item in value]}
    return {"kind": "text", "text": _text(value, key)}


def readable(data: dict) -> list[dict]:
    """The parts of an export (``personal_data.export_for``) as headed trees for the page."""
    sections = []
    for name, value in data.items():
        if name == "exported_at":
            continue
        exporter = personal_data.get_exporter(name)
        labels = exporter.labels if exporter else {}
        title = exporter.title if exporter and exporter.title else GLOSSARY.get(name, name.replace("_", " "))
        sections.append({"name": name, "title": capfirst(str(title)), "node": _node(value, labels)})
    return sections
