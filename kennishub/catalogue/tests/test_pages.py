"""The catalogue, course, provider and report pages through the test client."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from kennishub.accounts import roles
from kennishub.accounts.tests.factories import MemberFactory, UserFactory
from kennishub.catalogue import services
from kennishub.catalogue.models import Course, HarvestRun, Interest
from kennishub.core.tests.factories import ProvinceFactory, ThemeFactory

from .conftest import fixture_bytes
from .factories import CourseFactory, CourseRunFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def soon(days=30):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def catalogue():
    utrecht, groningen = ProvinceFactory(name="Utrecht"), ProvinceFactory(name="Groningen")
    theme = ThemeFactory(label="jeugd", slug="jeugd")
    a = CourseFactory(
        title="Jeugdzorg in de praktijk", lowest_price=Decimal(400), study_load_hours=6, next_start=soon(10)
    )
    a.themes.add(theme)
    CourseRunFactory(course=a, province=utrecht, run_format="klassikaal", start_date=soon(10))
    b = CourseFactory(
        title="Jeugd online", lowest_price=Decimal(900), is_collective=True, next_start=soon(20)
    )
    b.themes.add(theme)
    CourseRunFactory(course=b, province=groningen, run_format="online", start_date=soon(20))
    c = CourseFactory(title="Begroting lezen", lowest_price=Decimal(2000), next_start=soon(5))
    CourseRunFactory(course=c, province=utrecht, run_format="klassikaal", start_date=soon(5))
    CourseFactory(title="Oud aanbod", withdrawn=True)
    services.refresh_facets()  # factories write rows directly; a harvest refreshes them itself
    return {"theme": theme, "utrecht": utrecht, "a": a, "b": b, "c": c}


def titles(response):
    return [course.title for course in response.context["page_obj"].object_list]


def test_catalogue_lists_offered_courses_by_next_start_with_facet_counts(client, catalogue):
    response = client.get(reverse("catalogue:index"))
    assert titles(response) == ["Begroting lezen", "Jeugdzorg in de praktijk", "Jeugd online"]
    facets = response.context["facets"]
    assert [(f.label, f.count) for f in facets["thema"]] == [("jeugd", 2)]
    assert {(f.value, f.count) for f in facets["vorm"]} == {("klassikaal", 2), ("online", 1)}
    assert {(f.value, f.count) for f in facets["prijs"]} == {
        ("tot-500", 1),
        ("500-1500", 1),
        ("vanaf-1500", 1),
    }


def test_three_filters_combine_and_each_facet_counts_without_its_own_filter(
    client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = client.get(
            reverse("catalogue:index"),
            {"thema": "jeugd", "vorm": "klassikaal", "provincie": catalogue["utrecht"].code},
        )
    assert titles(response) == ["Jeugdzorg in de praktijk"]
    vorm = {f.value: f.count for f in response.context["facets"]["vorm"]}
    assert vorm == {"klassikaal": 1}  # online runs are in Groningen, which is filtered out
    assert response.status_code == 200


def test_collective_filter_and_price_sort(client, catalogue):
    assert titles(client.get(reverse("catalogue:index"), {"collectief": "on"})) == ["Jeugd online"]
    assert (
        titles(client.get(reverse("catalogue:index"), {"sorteer": "prijs"}))[0] == "Jeugdzorg in de praktijk"
    )


def test_invalid_filter_is_reported_in_dutch(client, catalogue):
    response = client.get(reverse("catalogue:index"), {"van": "2026-05-01", "tot": "2026-04-01"})
    assert "ligt voor de datum" in response.content.decode()


def test_course_page_shows_runs_json_ld_and_links_out_to_the_provider(client, provider):
    services.harvest(
        services.start_run(provider=provider, format_name="edudex", source="x"),
        content=fixture_bytes("edudex/example-program.xml"),
    )
    course = Course.objects.get()
    response = client.get(course.get_absolute_url())
    html = response.content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Course" and data["courseCode"] == "OMGW-2026"
    assert data["hasCourseInstance"][0]["startDate"] == "2026-03-10"
    assert 'href="https://voorbeeld-academie.example/omgevingswet"' in html


def test_run_calendar_has_one_event_per_course_day(client, provider):
    services.harvest(
        services.start_run(provider=provider, format_name="edudex", source="x"),
        content=fixture_bytes("edudex/example-program.xml"),
    )
    run = Course.objects.get().runs.get()
    response = client.get(reverse("catalogue:run_ical", args=[run.course.slug, run.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 3 and "DTSTART;TZID=Europe/Amsterdam:20260310T093000" in body


def test_withdrawn_course_stays_findable_as_no_longer_offered(client):
    course = CourseFactory(withdrawn=True)
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200 and "Niet meer aangeboden" in response.content.decode()


def test_verified_member_shows_interest_and_staff_see_the_count(client):
    course = CourseFactory()
    member = MemberFactory(profile__verified=True)
    client.force_login(member)
    client.post(reverse("catalogue:interest", args=[course.slug]))
    client.post(reverse("catalogue:interest", args=[course.slug]))  # twice counts once
    interest = Interest.objects.get()
    assert interest.user == member and interest.municipality == member.profile.municipality
    assert client.get(course.get_absolute_url()).context["interest_count"] is None  # members see no count
    staff = UserFactory()
    staff.groups.add(Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0])
    from kennishub.accounts.services import sync_roles

    sync_roles()
    client.force_login(staff)
    assert client.get(course.get_absolute_url()).context["interest_count"] == 1


def test_unverified_member_cannot_show_interest(client):
    course = CourseFactory()
    client.force_login(MemberFactory())
    assert client.post(reverse("catalogue:interest", args=[course.slug])).status_code == 403
    assert not Interest.objects.exists()


def test_member_shows_interest_in_a_theme_without_a_run_in_their_region(client, catalogue):
    member = MemberFactory(profile__verified=True)
    client.force_login(member)
    response = client.get(reverse("catalogue:index"), {"thema": "jeugd"})
    assert response.context["show_theme_interest"]
    client.post(reverse("catalogue:theme_interest"), {"thema": "jeugd"})
    assert Interest.objects.get().theme == catalogue["theme"]


@pytest.fixture
def provider_user():
    from kennishub.accounts.services import sync_roles

    sync_roles()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=roles.PROVIDER))
    return user


def test_provider_sees_only_its_own_reports(client, provider, provider_user):
    provider.members.add(provider_user)
    own = services.start_run(provider=provider, format_name="csv", source="own.csv")
    other = services.start_run(provider=ProviderFactory(), format_name="csv", source="other.csv")
    client.force_login(provider_user)
    assert list(client.get(reverse("catalogue:harvest_list")).context["page_obj"].object_list) == [own]
    assert client.get(reverse("catalogue:harvest_report", args=[own.pk])).status_code == 200
    assert client.get(reverse("catalogue:harvest_report", args=[other.pk])).status_code == 404


def test_provider_dry_runs_an_uploaded_feed_and_reads_the_report(
    client, provider, provider_user, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    provider.members.add(provider_user)
    client.force_login(provider_user)
    upload = SimpleUploadedFile(
        "feed.xml", fixture_bytes("edudex/mixed-programs.xml"), content_type="text/xml"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("catalogue:dry_run"), {"provider": provider.pk, "format": "edudex", "file": upload}
        )
    run = HarvestRun.objects.get()
    assert response.url == run.get_absolute_url()
    assert (run.dry_run, run.created, run.rejected) == (True, 1, 2)
    assert not Course.objects.exists()
    html = client.get(run.get_absolute_url()).content.decode()
    assert "programma 2" in html and "De einddatum ligt voor de begindatum." in html


def test_provider_cannot_dry_run_for_another_provider(client, provider, provider_user):
    client.force_login(provider_user)  # not a member of `provider`
    response = client.post(
        reverse("catalogue:dry_run"),
        {"provider": provider.pk, "format": "edudex", "url": "https://x.example/f.xml"},
    )
    assert response.status_code == 200 and response.context["form"].errors["provider"]
    assert not HarvestRun.objects.exists()


def test_visitor_cannot_see_reports(client):
    assert client.get(reverse("catalogue:harvest_list")).status_code == 302


def test_provider_page_lists_its_courses(client):
    course = CourseFactory()
    CourseFactory(provider=course.provider, withdrawn=True)
    response = client.get(course.provider.get_absolute_url())
    assert list(response.context["page_obj"].object_list) == [course]


def test_template_download_has_the_template_columns(client):
    response = client.get(reverse("catalogue:template"))
    assert response.content.decode().startswith("opleiding_id;titel;")


def test_next_start_moves_on_when_a_run_has_started(catalogue):
    course = catalogue["a"]
    later = CourseRunFactory(course=course, start_date=soon(60))
    Course.objects.filter(pk=course.pk).update(next_start=timezone.localdate() - timedelta(days=1))
    course.runs.exclude(pk=later.pk).update(start_date=timezone.localdate() - timedelta(days=1))
    services.refresh_next_starts()
    course.refresh_from_db()
    assert course.next_start == later.start_date


def test_catalogue_page_needs_the_same_number_of_queries_for_more_courses(
    client, catalogue, django_assert_max_num_queries
):
    three = {"thema": "jeugd", "vorm": "klassikaal", "provincie": catalogue["utrecht"].code}
    for n in range(25):
        course = CourseFactory(title=f"Jeugd {n}", next_start=soon(n + 1))
        course.themes.add(catalogue["theme"])
        CourseRunFactory(course=course, province=catalogue["utrecht"], start_date=soon(n + 1))
    services.refresh_facets()
    with django_assert_max_num_queries(19):  # 5 reference tables, 2 per facet group, the list
        response = client.get(reverse("catalogue:index"), three)
    assert response.context["page_obj"].paginator.count == 26
    assert len(titles(response)) == 20
    assert {f.value: f.count for f in response.context["facets"]["thema"]} == {"jeugd": 26}


def test_start_date_range_needs_one_run_with_format_and_place_in_it(client, catalogue):
    a = catalogue["a"]  # classroom in Utrecht in 10 days
    CourseRunFactory(course=a, province=None, run_format="online", start_date=soon(60))
    services.refresh_facets()
    late = {"van": soon(50).isoformat(), "tot": soon(70).isoformat()}
    assert titles(client.get(reverse("catalogue:index"), late)) == ["Jeugdzorg in de praktijk"]
    late_in_utrecht = {**late, "provincie": catalogue["utrecht"].code}
    assert titles(client.get(reverse("catalogue:index"), late_in_utrecht)) == []


def test_a_harvest_keeps_the_facets_true_without_a_separate_refresh(client, provider):
    theme = ThemeFactory(label="financiën", slug="financien")
    services.harvest(
        services.start_run(provider=provider, format_name="csv", source="x.csv"),
        content=fixture_bytes("spreadsheet-example.csv"),
    )
    response = client.get(reverse("catalogue:index"))
    listed = Course.objects.listed().count()
    assert listed and response.context["page_obj"].paginator.count == listed
    assert {f.value for f in response.context["facets"]["aanbieder"]} == {provider.code}
    assert theme.slug in {f.value for f in response.context["facets"]["thema"]} or not theme.courses.exists()
    # Withdrawn by a feed that no longer lists them (no grace period without a Feed; a feed without
    # one usable course is refused, so it lists another): gone from the list and the counts.
    services.harvest(
        services.start_run(provider=provider, format_name="csv", source="x.csv"),
        content=fixture_bytes("spreadsheet-example.csv").splitlines()[0] + b"\nNIEUW-1;Nieuw\n",
    )
    response = client.get(reverse("catalogue:index"))
    assert titles(response) == ["Nieuw"] and response.context["page_obj"].paginator.count == 1
    assert response.context["facets"]["thema"] == []


def test_staff_marking_a_course_collective_updates_the_facet(catalogue):
    from kennishub.catalogue import selectors

    course = catalogue["c"]
    course.is_collective = True
    services.update_collective(course=course)
    counts = selectors.facets(selectors.Filters())
    assert [(f.value, f.count) for f in counts.values["collectief"]] == [("on", 2)]


def test_search_and_date_filters_count_only_listed_courses(client, catalogue):
    CourseFactory(title="Jeugd van vroeger", withdrawn=True)
    gone = CourseFactory(title="Jeugd elders", status=Course.Status.WITHDRAWN)
    CourseRunFactory(course=gone, start_date=soon(10))
    services.refresh_facets()
    response = client.get(reverse("catalogue:index"), {"q": "jeugd"})
    assert response.context["page_obj"].paginator.count == len(titles(response)) == 2
    dated = client.get(reverse("catalogue:index"), {"van": soon(1).isoformat(), "tot": soon(15).isoformat()})
    assert dated.context["page_obj"].paginator.count == len(titles(dated)) == 2


def _many(n, theme, province, **extra):
    courses = []
    for number in range(n):
        course = CourseFactory(
            title=f"Cursus {number:02d}",
            next_start=soon(number % 7 + 1),
            lowest_price=Decimal(100 + (number * 37) % 900),
            **extra,
        )
        course.themes.add(theme)
        CourseRunFactory(course=course, province=province, start_date=soon(number % 7 + 1))
        courses.append(course)
    services.refresh_facets()
    return courses


@pytest.mark.parametrize("sort", ["start", "prijs"])
def test_pages_follow_each_other_through_linkable_next_and_previous_links(client, catalogue, sort):
    _many(42, catalogue["theme"], catalogue["utrecht"])
    expected = titles(client.get(reverse("catalogue:index"), {"sorteer": sort, "pagina": 1}))
    seen, response, pages = [], client.get(reverse("catalogue:index"), {"sorteer": sort}), []
    while True:
        pages.append(response)
        seen += titles(response)
        link = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
        if not link:
            break
        response = client.get(reverse("catalogue:index") + link.group(1).replace("&amp;", "&"))
    listed = Course.objects.listed().count()
    assert len(seen) == len(set(seen)) == listed == 45
    assert seen[:20] == expected
    order = "sort_start" if sort == "start" else "sort_price"
    assert seen == list(
        Course.objects.listed().order_by(order, "title", "pk").values_list("title", flat=True)
    )
    # The last page links back to exactly the page before it, and page numbers are shown.
    back = re.search(r'rel="prev" href="([^"]+)"', pages[-1].content.decode()).group(1).replace("&amp;", "&")
    assert "voor=" in back and "pagina=2" in back
    assert titles(client.get(reverse("catalogue:index") + back)) == titles(pages[1])
    assert "Pagina 3 van 3" in pages[-1].content.decode()


def test_a_page_number_alone_still_opens_that_page(client, catalogue):
    _many(42, catalogue["theme"], catalogue["utrecht"])
    first_two = titles(client.get(reverse("catalogue:index"))) + titles(
        client.get(reverse("catalogue:index"), {"pagina": 2})
    )
    assert len(set(first_two)) == 40
    assert titles(client.get(reverse("catalogue:index"), {"pagina": "x", "na": "-1"})) == first_two[:20]


def test_many_matches_give_estimated_counts_marked_ca_with_a_fixed_number_of_queries(
    client, catalogue, monkeypatch, django_assert_max_num_queries
):
    from kennishub.catalogue import selectors

    monkeypatch.setattr(services, "SAMPLE_EVERY", 1)  # every course sampled: estimates are exact
    _many(30, catalogue["theme"], catalogue["utrecht"])
    exact = client.get(reverse("catalogue:index"), {"vorm": "klassikaal", "thema": "jeugd"})
    assert not exact.context["facets_estimated"]
    monkeypatch.setattr(selectors, "EXACT_LIMIT", 5)
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse("catalogue:index"),
            {"vorm": "klassikaal", "thema": "jeugd", "provincie": catalogue["utrecht"].code},
        )
    assert response.context["facets_estimated"] and response.context["total_estimated"]
    body = response.content.decode()
    assert "ca. 31 opleidingen" in body and "(ca. 31)" in body
    counts = {f.value: (f.count, f.estimated) for f in response.context["facets"]["thema"]}
    assert counts == {"jeugd": (31, True)}
    estimated = {f.value: f.count for f in response.context["facets"]["prijs"]}
    exact = {f.value: f.count for f in exact.context["facets"]["prijs"]}
    assert estimated == exact
    assert len(titles(response)) == 20


def test_search_by_relevance_puts_title_matches_first(client, catalogue):
    CourseFactory(title="Werken met de Omgevingswet", summary="Omgevingswet", next_start=soon(90))
    CourseFactory(title="Ruimtelijke ordening", summary="Alles over de Omgevingswet", next_start=soon(1))
    CourseFactory(title="Omgevingswet", next_start=soon(200))
    services.refresh_facets()
    response = client.get(reverse("catalogue:index"), {"q": "omgevingswet", "sorteer": "relevantie"})
    assert titles(response) == ["Omgevingswet", "Werken met de Omgevingswet", "Ruimtelijke ordening"]
