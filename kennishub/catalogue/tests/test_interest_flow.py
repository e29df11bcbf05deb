"""Showing interest from a course page when not logged in: no dead end after logging in."""

import pytest
from django.urls import reverse

from kennishub.accounts.tests.factories import MemberFactory
from kennishub.catalogue.models import Interest

from .factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_visitor_is_offered_a_login_link_back_to_the_course(client):
    course = CourseFactory()
    html = client.get(course.get_absolute_url()).content.decode()
    assert f'href="/account/inloggen/?next={course.get_absolute_url()}"' in html
    assert reverse("catalogue:interest", args=[course.slug]) not in html


def test_opening_the_interest_address_leads_back_to_the_course_without_acting(client):
    course = CourseFactory()
    client.force_login(MemberFactory(profile__verified=True))
    response = client.get(reverse("catalogue:interest", args=[course.slug]))
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert not Interest.objects.exists()


def test_opening_the_theme_interest_address_leads_back_to_the_catalogue(client):
    client.force_login(MemberFactory(profile__verified=True))
    response = client.get(reverse("catalogue:theme_interest"))
    assert response.status_code == 302 and response["Location"] == reverse("catalogue:index")
    assert not Interest.objects.exists()


def test_visitor_opening_the_interest_address_is_asked_to_log_in(client):
    course = CourseFactory()
    response = client.get(reverse("catalogue:interest", args=[course.slug]))
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/?next=")
