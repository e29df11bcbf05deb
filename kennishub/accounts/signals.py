"""Receivers where one part must not know the other.

- Role membership changes anywhere (our services, the Wagtail user admin, a shell) get an audit entry.
- After ``migrate`` the role groups are synced, once every app has created its permissions.
"""

from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_migrate
from django.dispatch import receiver

from .models import User


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts_audit_group_change")
def audit_group_change(sender, instance, action, reverse, pk_set, **kwargs):
    from . import services

    if action == "pre_clear":
        # After the clear nobody knows what was removed; note it now.
        if reverse:
            instance._kh_cleared = list(instance.user_set.values_list("pk", flat=True))
        else:
            instance._kh_cleared = list(instance.groups.values_list("name", flat=True))
        return
    if action == "post_clear":
        cleared = getattr(instance, "_kh_cleared", [])
        if reverse:
            for user in User.objects.filter(pk__in=cleared):
                services.record_group_change(
                    user=user, action="accounts.role.removed", group_names=[instance.name]
                )
        else:
            services.record_group_change(user=instance, action="accounts.role.removed", group_names=cleared)
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    verb = "accounts.role.added" if action == "post_add" else "accounts.role.removed"
    if reverse:
        for user in User.objects.filter(pk__in=pk_set):
            services.record_group_change(user=user, action=verb, group_names=[instance.name])
    else:
        names = list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        services.record_group_change(user=instance, action=verb, group_names=names)


def sync_roles_after_migrate(sender, using="default", **kwargs):
    # post_migrate is sent once per app; permissions of later apps exist only after the last one.
    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from . import services

    services.sync_roles()


def connect():
    post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts_sync_roles")
