"""Staff actions: harvesting from the Wagtail admin (/beheer/) and the demand overview."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kennishub.accounts import roles
from kennishub.accounts.services import sync_roles
from kennishub.accounts.tests.conftest import otp_login
from kennishub.accounts.tests.factories import MemberFactory, UserFactory
from kennishub.catalogue.models import HarvestRun, Interest
from kennishub.core.tests.factories import MunicipalityFactory, ProvinceFactory, ThemeFactory

from .factories import CourseFactory, FeedFactory

pytestmark = pytest.mark.django_db


def staff_user(role: str):
    sync_roles()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


@pytest.fixture
def administrator(client):
    user = staff_user(roles.ADMINISTRATOR)
    otp_login(client, user)
    return user


def test_admin_feed_list_offers_harvest_now_and_all_due(client, administrator):
    feed = FeedFactory()
    html = client.get(reverse("feeds:index")).content.decode()
    assert reverse("catalogue_admin_harvest_feed", args=[feed.pk]) in html
    assert reverse("catalogue_admin_harvest_due") in html


def test_harvest_now_asks_first_then_starts_the_run_and_opens_its_report(
    client, administrator, django_capture_on_commit_callbacks
):
    feed = FeedFactory(next_harvest_at=timezone.now() + timedelta(days=1))
    url = reverse("catalogue_admin_harvest_feed", args=[feed.pk])
    page = client.get(url)
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    assert not HarvestRun.objects.exists()  # a GET changes nothing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url)
    run = HarvestRun.objects.get()
    assert (run.feed, run.started_by) == (feed, administrator)
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert len(callbacks) == 1  # the background task was queued after the commit
    run.refresh_from_db()
    # The test feed points at a closed port: the task ran and the report says why it failed.
    assert run.status == HarvestRun.Status.REFUSED and run.reason


def test_harvest_all_due_starts_only_due_feeds(client, administrator, django_capture_on_commit_callbacks):
    due = FeedFactory(next_harvest_at=timezone.now() - timedelta(minutes=5))
    FeedFactory(next_harvest_at=timezone.now() + timedelta(hours=5))
    page = client.get(reverse("catalogue_admin_harvest_due"))
    assert list(page.context["feeds"]) == [due]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalogue_admin_harvest_due"))
    run = HarvestRun.objects.get()
    assert run.feed == due and response.url == run.get_absolute_url()
    due.refresh_from_db()
    assert due.next_harvest_at > timezone.now()  # moved on, so the scheduler does not start it again


def test_harvest_actions_need_the_harvest_permission(client):
    editor = staff_user(roles.EDITOR)  # may use the admin, may not harvest
    otp_login(client, editor)
    feed = FeedFactory()
    # Wagtail answers a refused admin action with a redirect to the dashboard and a message.
    for url in (
        reverse("catalogue_admin_harvest_feed", args=[feed.pk]),
        reverse("catalogue_admin_harvest_due"),
    ):
        response = client.post(url)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not HarvestRun.objects.exists()


def test_harvest_action_refuses_a_post_without_csrf_token(client, administrator):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # the same logged-in, second-factor session
    feed = FeedFactory()
    assert strict.post(reverse("catalogue_admin_harvest_feed", args=[feed.pk])).status_code == 403
    assert not HarvestRun.objects.exists()


def test_demand_overview_lists_most_wanted_first_per_course_theme_and_province(client):
    utrecht = ProvinceFactory(name="Utrecht")
    gemeente = MunicipalityFactory(province=utrecht)
    popular, quiet = CourseFactory(title="Omgevingswet"), CourseFactory(title="Archief")
    theme = ThemeFactory(label="jeugd")
    for _ in range(3):
        Interest.objects.create(user=MemberFactory(), course=popular, municipality=gemeente)
    Interest.objects.create(user=MemberFactory(), course=quiet)
    Interest.objects.create(user=MemberFactory(), theme=theme, municipality=gemeente)
    broker = staff_user(roles.KNOWLEDGE_BROKER)
    client.force_login(broker)
    response = client.get(reverse("catalogue:demand"))
    assert [(r["course__title"], r["n"]) for r in response.context["by_course"]] == [
        ("Omgevingswet", 3),
        ("Archief", 1),
    ]
    assert [(r["theme__label"], r["n"]) for r in response.context["by_theme"]] == [("jeugd", 1)]
    assert response.context["by_province"][0] == {"province": "Utrecht", "themes": 1, "courses": 3, "n": 4}
    assert response.context["by_province"][-1]["province"] == ""  # unknown province last
    assert "Omgevingswet" in response.content.decode()


def test_demand_overview_is_for_staff_only(client):
    assert client.get(reverse("catalogue:demand")).status_code == 302  # to the login page
    client.force_login(MemberFactory(profile__verified=True))
    assert client.get(reverse("catalogue:demand")).status_code == 403
