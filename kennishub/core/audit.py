"""The audit trail: who changed what, and when.

Entries go into Wagtail's own log (``ModelLogEntry`` for plain models, ``PageLogEntry`` for pages)
so editors see them in the admin's history views and reports. Actions are named ``app.object.verb``
(``accounts.role.granted``). Wagtail writes its own entries (``wagtail.edit``, ``wagtail.publish``,
``wagtail.create`` …) for changes made in its admin: pages, snippets, ModelViewSets, users and groups.

Wagtail shows a label per action and fails on an action it does not know, so each app registers the
label of its actions once, at import time of the module that records them::

    audit.register_action("events.registration.created", _("Registration created"))

An action recorded without registering still works: it gets a generic label, so a forgotten
registration never loses an entry.
"""

from datetime import datetime
from itertools import chain
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

# action name -> (label, message); labels are lazy translations.
_actions: dict[str, tuple[Promise | str, Promise | str]] = {}


def register_action(name: str, label: Promise | str, message: Promise | str | None = None) -> None:
    """Give `name` a readable (translated) label for Wagtail's history views and log reports."""
    _actions[name] = (label, message if message is not None else label)
    if log_registry.has_scanned_for_actions and name not in log_registry.formatters:
        # Registered after Wagtail collected the hooks: add it to the live registry directly.
        log_registry.register_action(name, *_actions[name])


@hooks.register("register_log_actions")
def _register_kennishub_actions(actions) -> None:
    for name, (label, message) in _actions.items():
        actions.register_action(name, label, message)


def _ensure_known(action: str) -> None:
    if not log_registry.action_exists(action):
        label = _("Change (%(action)s)") % {"action": action}
        register_action(action, label)


def record(instance: models.Model, action: str, *, actor: Any = None, data: dict | None = None):
    """Write one audit entry for `instance`. Call it from the service that makes the change.

    `actor` is the user who made the change (None or an anonymous user for the system itself).
    `data` holds what changed, as JSON-serialisable values; never put secrets in it.
    Returns the log entry (a ``ModelLogEntry``, or a ``PageLogEntry`` for pages).
    """
    _ensure_known(action)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return log(instance, action, user=user, data=data or {})


def entries_for(instance: models.Model) -> models.QuerySet:
    """The trail of one object, newest first, with the acting user loaded."""
    return (
        log_registry.get_logs_for_instance(instance)
        .select_related("user", "content_type")
        .order_by("-timestamp", "-id")
    )


def entries_by(actor: AbstractBaseUser, *, since: datetime | None = None) -> list:
    """Everything `actor` did, on pages and on plain models, newest first (used by the AVG export)."""
    from wagtail.models import ModelLogEntry, PageLogEntry  # not at import: models may import us

    querysets = []
    for model in (ModelLogEntry, PageLogEntry):
        entries = model.objects.filter(user_id=actor.pk).select_related("content_type")
        if since is not None:
            entries = entries.filter(timestamp__gte=since)
        querysets.append(entries)
    return sorted(chain(*querysets), key=lambda entry: (entry.timestamp, entry.pk), reverse=True)


def as_dict(entry) -> dict[str, Any]:
    """One entry as plain JSON-ready data: when, who, what, on which object."""
    return {
        "timestamp": entry.timestamp.isoformat(),
        "action": entry.action,
        "user_id": entry.user_id,
        "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
        "object_id": str(entry.object_id),
        "object_label": entry.label,
        "data": entry.data,
    }
