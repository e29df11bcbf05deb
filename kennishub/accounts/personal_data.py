"""Personal data per member, for the AVG: one export and one erasure across all apps.

Every app that stores personal data registers an exporter (and, where deleting the account does
not already remove its rows by cascade, an eraser)::

    from kennishub.accounts import personal_data

    personal_data.register("registrations", export=export_registrations, erase=erase_registrations)

An exporter takes the user and returns JSON-serialisable data (dicts, lists, strings, numbers).
The download gives that data as is; the page /account/mijn-gegevens/ shows it to people, with a
Dutch `title` for the part and Dutch `labels` for its keys (a key without one falls back to the
shared glossary in ``personal_data_display``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone


@dataclass(frozen=True)
class Exporter:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None] | None = None
    title: Any = None  # a (lazy) translated heading for the page
    labels: Mapping[str, Any] = field(default_factory=dict)  # key -> (lazy) translated label


_registry: dict[str, Exporter] = {}


def register(
    name: str,
    *,
    export: Callable[[Any], Any],
    erase: Callable[[Any], None] | None = None,
    title: Any = None,
    labels: Mapping[str, Any] | None = None,
) -> None:
    """Register (or replace) the exporter named `name`."""
    _registry[name] = Exporter(name=name, export=export, erase=erase, title=title, labels=labels or {})


def get_exporter(name: str) -> Exporter | None:
    return _registry.get(name)


def exporters() -> list[Exporter]:
    return list(_registry.values())


def export_for(user) -> dict:
    """All personal data held about `user`, keyed by exporter name."""
    data = {"exported_at": timezone.now().isoformat()}
    for exporter in _registry.values():
        data[exporter.name] = exporter.export(user)
    return data


def erase_for(user) -> None:
    for exporter in _registry.values():
        if exporter.erase is not None:
            exporter.erase(user)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_account(user) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "roles": sorted(user.groups.values_list("name", flat=True)),
    }


def export_profile(user) -> dict:
    from .models import Profile

    profile = (
        Profile.objects.select_related("municipality", "administrative_role", "work_field", "verified_by")
        .filter(user=user)
        .first()
    )
    if profile is None:
        return {}
    return {
        "municipality": profile.municipality.name if profile.municipality else None,
        "municipality_code": profile.municipality.code if profile.municipality else None,
        "role_kind": profile.role_kind,
        "administrative_role": profile.administrative_role.name if profile.administrative_role else None,
        "work_field": profile.work_field.name if profile.work_field else None,
        "followed_themes": [theme.label for theme in profile.themes.order_by("label")],
        "email_confirmed_at": _iso(profile.email_confirmed_at),
        "verification": {
            "verified_at": _iso(profile.verified_at),
            "method": profile.verification_method,
            "work_email": profile.verification_email,
            "verified_by": str(profile.verified_by) if profile.verified_by else None,
        },
        "verification_requests": [
            {
                "municipality": request.municipality.name,
                "explanation": request.explanation,
                "status": request.status,
                "created_at": _iso(request.created_at),
                "decided_at": _iso(request.decided_at),
                "reason": request.reason,
            }
            for request in user.verification_requests.select_related("municipality")
        ],
    }


def export_audit_entries(user) -> list[dict]:
    from wagtail.models import ModelLogEntry

    from .models import User

    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).order_by("timestamp")
    return [
        {"action": entry.action, "timestamp": _iso(entry.timestamp), "data": entry.data} for entry in entries
    ]


def export_two_factor(user) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return {
        "authenticator_apps": [
            {"name": device.name, "confirmed": device.confirmed}
            for device in TOTPDevice.objects.filter(user=user)
        ]
    }


def register_own_exporters() -> None:
    """Called from AppConfig.ready(): the labels are the verbose names of the models' fields."""
    from django.utils.translation import gettext_lazy as _

    from .models import Profile, User, VerificationRequest

    def verbose(model, field_name: str):
        return model._meta.get_field(field_name).verbose_name

    account_labels = {key: verbose(User, key) for key in ("email", "full_name", "date_joined")}
    profile_labels = {
        "municipality": verbose(Profile, "municipality"),
        "role_kind": verbose(Profile, "role_kind"),
        "administrative_role": verbose(Profile, "administrative_role"),
        "work_field": verbose(Profile, "work_field"),
        "followed_themes": verbose(Profile, "themes"),
        "email_confirmed_at": verbose(Profile, "email_confirmed_at"),
        "verification": _("Verification"),
        "verified_at": verbose(Profile, "verified_at"),
        "method": verbose(Profile, "verification_method"),
        "work_email": verbose(Profile, "verification_email"),
        "verified_by": verbose(Profile, "verified_by"),
        "verification_requests": VerificationRequest._meta.verbose_name_plural,
        **{
            key: verbose(VerificationRequest, key)
            for key in ("explanation", "status", "created_at", "decided_at", "reason")
        },
    }
    register("account", export=export_account, title=_("Account"), labels=account_labels)
    register("profile", export=export_profile, title=_("Profile and verification"), labels=profile_labels)
    register("two_factor", export=export_two_factor, title=_("Two-step verification"))
    register("audit_entries", export=export_audit_entries, title=_("What happened to your account"))
