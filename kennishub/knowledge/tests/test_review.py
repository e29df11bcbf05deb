"""Marking a product "beoordeeld" in one click: POST with CSRF, editors only, audit trail."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import PageLogEntry

from kennishub.accounts import roles
from kennishub.accounts.tests.factories import UserFactory
from kennishub.knowledge import services
from kennishub.knowledge.exceptions import NotAllowedToReview
from kennishub.knowledge.models import KnowledgeProductPage, add_months

from .factories import KnowledgeProductFactory

LONG_AGO = datetime.date(2024, 1, 10)


def _editor(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def _login(client, user) -> None:
    """Staff who passed the second factor (the TOTP flow itself is tested in accounts)."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _due_product(**kwargs):
    page = KnowledgeProductFactory(review_interval_months=12, **kwargs)
    KnowledgeProductPage.objects.filter(pk=page.pk).update(last_reviewed_on=LONG_AGO)
    page.refresh_from_db()
    return page


@pytest.mark.django_db
def test_one_click_marks_the_product_reviewed_and_moves_the_next_due_date(client):
    editor = _editor(full_name="Ria Redacteur")
    page = _due_product(title="Handreiking schuldhulp")
    _login(client, editor)

    response = client.post(reverse("knowledge_mark_reviewed", args=[page.pk]))

    assert response.status_code == 302
    assert response.url == reverse("knowledge_review_due")
    page.refresh_from_db()
    today = timezone.localdate()
    assert page.last_reviewed_on == today
    assert page.review_due_on == add_months(today, 12)
    assert not page.is_outdated
    entry = PageLogEntry.objects.get(page=page, action="knowledge.product.reviewed")
    assert entry.user == editor
    assert entry.data["previous"] == LONG_AGO.isoformat()
    assert entry.data["next_review_on"] == add_months(today, 12).isoformat()
    html = client.get(page.url).content.decode()
    assert "Mogelijk verouderd" not in html
    assert f'<time datetime="{today:%Y-%m-%d}">' in html  # "Laatst beoordeeld" shows today


@pytest.mark.django_db
def test_due_list_offers_the_one_click_button_and_the_product_then_leaves_it(client):
    editor = _editor()
    due = _due_product(title="Toe aan herziening")
    KnowledgeProductFactory(title="Nog actueel")
    _login(client, editor)

    html = client.get(reverse("knowledge_review_due")).content.decode()
    assert "Toe aan herziening" in html and "Nog actueel" not in html
    assert f'action="{reverse("knowledge_mark_reviewed", args=[due.pk])}"' in html
    assert "csrfmiddlewaretoken" in html

    html = client.post(reverse("knowledge_mark_reviewed", args=[due.pk]), follow=True).content.decode()
    assert "“Toe aan herziening” is marked as reviewed" in html or "is gemarkeerd als beoordeeld" in html
    assert reverse("knowledge_mark_reviewed", args=[due.pk]) not in html  # left the list


@pytest.mark.django_db
def test_edit_view_has_the_action_and_returns_to_the_edit_view(client):
    editor = _editor()
    page = _due_product()
    _login(client, editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    html = client.get(edit_url).content.decode()
    assert f'formaction="{reverse("knowledge_mark_reviewed", args=[page.pk])}"' in html

    response = client.post(reverse("knowledge_mark_reviewed", args=[page.pk]), {"next": edit_url})
    assert response.url == edit_url
    response = client.post(
        reverse("knowledge_mark_reviewed", args=[page.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("knowledge_review_due")


@pytest.mark.django_db
def test_get_and_missing_csrf_token_change_nothing():
    editor = _editor()
    page = _due_product()
    client = Client(enforce_csrf_checks=True)
    _login(client, editor)
    url = reverse("knowledge_mark_reviewed", args=[page.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    page.refresh_from_db()
    assert page.last_reviewed_on == LONG_AGO


@pytest.mark.django_db
def test_members_without_edit_rights_cannot_mark_reviewed(client):
    member = UserFactory()
    page = _due_product()
    _login(client, member)

    response = client.post(reverse("knowledge_mark_reviewed", args=[page.pk]))

    assert response.status_code in (302, 403)
    assert not response.get("Location", "").endswith(reverse("knowledge_review_due"))  # sent to the login
    page.refresh_from_db()
    assert page.last_reviewed_on == LONG_AGO
    assert not PageLogEntry.objects.filter(page=page, action="knowledge.product.reviewed").exists()


@pytest.mark.django_db
def test_service_refuses_an_admin_user_without_rights_on_the_page():
    outsider = UserFactory(is_staff=True)  # can reach the admin, has no page permissions
    page = _due_product()

    with pytest.raises(NotAllowedToReview):
        services.mark_reviewed(page=page, user=outsider)
    page.refresh_from_db()
    assert page.last_reviewed_on == LONG_AGO


@pytest.mark.django_db
def test_publishing_an_older_revision_keeps_the_review_date():
    editor = _editor()
    page = _due_product()
    older = page.get_latest_revision()

    services.mark_reviewed(page=page, user=editor)
    older.publish()

    page.refresh_from_db()
    assert page.last_reviewed_on == timezone.localdate()


@pytest.mark.django_db
def test_reminder_mail_links_to_the_one_click_list():
    editor = _editor(email="redacteur@example.org")
    _due_product(editor=editor)

    services.send_review_reminders()

    assert reverse("knowledge_review_due") in mail.outbox[0].body
