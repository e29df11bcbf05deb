import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.log_actions import LogContext

from kennishub.accounts import roles, services

from .conftest import audit_actions
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sync_roles_is_idempotent_and_gives_declared_permissions():
    services.sync_roles()
    before = {
        group.name: set(group.permissions.values_list("pk", flat=True)) for group in Group.objects.all()
    }
    services.sync_roles()
    call_command("sync_roles", stdout=io.StringIO(), stderr=io.StringIO())

    after = {group.name: set(group.permissions.values_list("pk", flat=True)) for group in Group.objects.all()}
    assert before == after
    assert set(roles.ROLES) <= set(after)
    assert Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES)


def test_only_staff_roles_reach_the_admin():
    for name, role in roles.ROLES.items():
        user = UserFactory()
        services.add_role(user=user, role=name, actor=None)
        assert user.has_perm(roles.ADMIN_ACCESS) is role.staff, name
    assert {"redacteur", "kennismakelaar", "organisator", "beheerder"} == roles.STAFF_ROLES


def test_sync_roles_restores_a_removed_permission():
    group = Group.objects.get(name=roles.EDITOR)
    group.permissions.clear()

    services.sync_roles()

    assert group.permissions.filter(codename="access_admin").exists()


def test_role_change_is_audited_with_actor_also_outside_services():
    administrator = UserFactory()
    user = UserFactory()

    services.add_role(user=user, role=roles.ORGANISER, actor=administrator)
    with LogContext(user=administrator):  # as in the Wagtail admin's user editor
        user.groups.set([])

    assert audit_actions(user) == ["accounts.role.added", "accounts.role.removed"]
    from wagtail.models import ModelLogEntry

    entry = ModelLogEntry.objects.filter(action="accounts.role.added").get()
    assert entry.user == administrator
    assert entry.data == {"roles": ["organisator"]}


def test_role_change_in_wagtail_user_admin_is_audited_with_the_administrator(client, administrator):
    from wagtail.models import ModelLogEntry

    from .conftest import otp_login
    from .factories import MemberFactory

    member = MemberFactory()
    otp_login(client, administrator)
    assert client.get("/beheer/users/new/").status_code == 200
    organiser = Group.objects.get(name=roles.ORGANISER)

    response = client.post(
        f"/beheer/users/edit/{member.pk}/",
        {"email": member.email, "full_name": "Olga Organisator", "is_active": "on", "groups": [organiser.pk]},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Olga Organisator"
    assert list(member.groups.values_list("name", flat=True)) == [roles.ORGANISER]
    entry = ModelLogEntry.objects.get(action="accounts.role.added", object_id=str(member.pk))
    assert entry.user == administrator


@pytest.mark.parametrize("role", [roles.ORGANISER, roles.EDITOR, roles.ADMINISTRATOR])
def test_roles_with_media_permissions_can_upload_and_choose_documents_and_images(role):
    from wagtail.documents.permissions import permission_policy as documents
    from wagtail.images.permissions import permission_policy as images

    user = UserFactory()
    services.add_role(user=user, role=role, actor=None)
    services.sync_roles()
    services.sync_roles()  # idempotent: no doubled grants

    for policy in (documents, images):
        for action in ("add", "choose", "change"):
            assert policy.user_has_permission(user, action), (role, policy.model.__name__, action)
    assert not documents.user_has_permission(UserFactory(), "add")


def test_a_media_permission_taken_from_a_role_is_taken_from_its_collections_too():
    from wagtail.documents.permissions import permission_policy as documents

    user = UserFactory()
    services.add_role(user=user, role=roles.ORGANISER, actor=None)
    services.sync_roles()
    assert documents.user_has_permission(user, "add")
    original = set(roles.ROLES[roles.ORGANISER].permissions)
    try:
        roles.ROLES[roles.ORGANISER].permissions.discard("wagtaildocs.add_document")
        services.sync_roles()
        user = type(user).objects.get(pk=user.pk)  # fresh permission cache
        assert not documents.user_has_permission(user, "add")
    finally:
        roles.ROLES[roles.ORGANISER].permissions = original
