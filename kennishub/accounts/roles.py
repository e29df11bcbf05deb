"""The roles of ARCHITECTURE.md as Django groups, declared here and synced by ``sync_roles()``.

Each role maps to the permissions it grants ("app_label.codename"). The declaration is the source
of truth: ``sync_roles()`` gives every role group exactly these permissions. A later app adds its
own permissions from its ``AppConfig.ready()``::

    from kennishub.accounts import roles
    roles.grant(roles.ORGANISER, "events.change_session", "events.view_registration")
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

MEMBER = "lid"
EDITOR = "redacteur"
KNOWLEDGE_BROKER = "kennismakelaar"
ORGANISER = "organisator"
JURY_MEMBER = "jurylid"
PROVIDER = "aanbieder"
ADMINISTRATOR = "beheerder"

ADMIN_ACCESS = "wagtailadmin.access_admin"


@dataclass
class Role:
    name: str  # the Dutch group name
    description: str
    staff: bool = False  # staff roles reach the Wagtail admin and must log in with two factors
    permissions: set[str] = field(default_factory=set)


_MEDIA = {
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
}

ROLES: dict[str, Role] = {
    role.name: role
    for role in [
        Role(
            MEMBER,
            _("Verified civil servant or administrator of a municipality."),
            permissions={"accounts.participate"},
        ),
        Role(
            EDITOR,
            _("Academy staff who curate and validate knowledge."),
            staff=True,
            permissions={ADMIN_ACCESS, *_MEDIA},
        ),
        Role(
            KNOWLEDGE_BROKER,
            _("Academy staff who run the knowledge agenda and the question desk."),
            staff=True,
            permissions={ADMIN_ACCESS},
        ),
        Role(
            ORGANISER,
            _("Academy or programme staff who run events."),
            staff=True,
            permissions={ADMIN_ACCESS, *_MEDIA},
        ),
        Role(JURY_MEMBER, _("Invited experts who score agenda clusters.")),
        Role(PROVIDER, _("Course providers who manage their feeds and offer.")),
        Role(
            ADMINISTRATOR,
            _("Platform administrators: everything, plus users and settings."),
            staff=True,
            permissions={
                ADMIN_ACCESS,
                *_MEDIA,
                "wagtailimages.delete_image",
                "wagtaildocs.delete_document",
                "accounts.add_user",
                "accounts.change_user",
                "accounts.delete_user",
                "accounts.view_user",
                "auth.add_group",
                "auth.change_group",
                "auth.delete_group",
                "auth.view_group",
                "accounts.add_municipalityemaildomain",
                "accounts.change_municipalityemaildomain",
                "accounts.delete_municipalityemaildomain",
                "accounts.view_municipalityemaildomain",
                "accounts.view_verificationrequest",
                "accounts.decide_verificationrequest",
                "wagtailredirects.add_redirect",
                "wagtailredirects.change_redirect",
                "wagtailredirects.delete_redirect",
            },
        ),
    ]
}

STAFF_ROLES = frozenset(name for name, role in ROLES.items() if role.staff)


def grant(role: str, *permissions: str) -> None:
    """Add permissions to a role; call from an app's ``ready()``, then run ``sync_roles``."""
    ROLES[role].permissions.update(permissions)
