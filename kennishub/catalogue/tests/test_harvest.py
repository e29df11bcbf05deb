"""Harvesting through the command and the service: idempotent upserts, withdrawal, refusal, reports."""

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from kennishub.catalogue import services
from kennishub.catalogue.harvest import registry
from kennishub.catalogue.models import Course, CourseFacet, CourseFacetTotal, CourseRun, HarvestRun
from kennishub.core.models import JobProgress
from kennishub.core.tests.factories import MunicipalityFactory, ProvinceFactory, ThemeFactory

from .conftest import fixture_bytes, fixture_path
from .factories import FeedFactory

pytestmark = pytest.mark.django_db


def harvest(provider, fmt, name, *, dry_run=False, feed=None, now=None, content=None):
    run = services.start_run(provider=provider, format_name=fmt, source=name, feed=feed, dry_run=dry_run)
    if now is not None:
        return services.apply_harvest(
            run=run, result=registry.get(fmt).parse(content or fixture_bytes(name)), now=now
        )
    return services.harvest(run, content=content or fixture_bytes(name))


def snapshot():
    courses = [
        model_to_dict(c, exclude=["themes", "administrative_roles", "work_fields"])
        | {"updated_at": c.updated_at}
        for c in Course.objects.order_by("pk")
    ]
    runs = [model_to_dict(r) for r in CourseRun.objects.order_by("pk")]
    themes = list(Course.themes.through.objects.order_by("pk").values_list("course_id", "theme_id"))
    roles = list(Course.administrative_roles.through.objects.order_by("pk").values_list())
    fields = list(Course.work_fields.through.objects.order_by("pk").values_list())
    facets = list(CourseFacet.objects.order_by("pk").values_list())
    totals = list(CourseFacetTotal.objects.order_by("facet", "value").values_list("facet", "value", "count"))
    return courses, runs, themes, roles, fields, facets, totals


def test_command_harvests_a_file_and_prints_the_report(provider, capsys):
    province = ProvinceFactory(name="Utrecht")
    MunicipalityFactory(name="Utrecht", province=province)
    call_command(
        "harvest",
        "--format",
        "edudex",
        "--provider",
        provider.code,
        fixture_path("edudex/example-program.xml"),
    )
    out = capsys.readouterr().out
    assert "1 nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 ingetrokken, 0 afgewezen" in out
    course = Course.objects.get()
    assert (course.external_id, course.title, course.provider) == (
        "OMGW-2026",
        "Omgevingswet in de praktijk",
        provider,
    )
    run = course.runs.get()
    assert run.province == province and run.price_excl_vat == 1195
    report = HarvestRun.objects.get()
    assert report.status == HarvestRun.Status.SUCCEEDED and report.created == 1
    assert report.job.status == JobProgress.Status.SUCCEEDED


def test_rerun_of_the_same_feed_leaves_the_database_exactly_as_one_run_did(provider):
    harvest(provider, "csv", "spreadsheet-example.csv")
    before = snapshot()
    report = harvest(provider, "csv", "spreadsheet-example.csv")
    assert snapshot() == before
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 2, 2)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("edudex", "edudex/mixed-programs.xml"),
        ("edudex", "edudex/example-program.json"),
        ("ooapi", "ooapi/feed-course-with-offering.json"),
        ("schemaorg", "schemaorg/course-page-nl.html"),
    ],
)
def test_rerun_of_every_format_through_a_feed_changes_nothing(provider, fmt, name):
    # Through a Feed whose body hash is forgotten, so every record is compared again, not skipped
    # because the file is the same.
    feed = FeedFactory(provider=provider, format=fmt, grace_period=timedelta(0))
    first = harvest(provider, fmt, name, feed=feed)
    assert first.created >= 1
    before = snapshot()
    feed.__class__.objects.filter(pk=feed.pk).update(body_hash="")
    again = harvest(provider, fmt, name, feed=feed)
    assert snapshot() == before
    assert (again.created, again.updated, again.withdrawn) == (0, 0, 0)
    assert again.unchanged == first.created + first.updated
    assert again.rejections == first.rejections


def test_changed_record_is_updated_in_place_keeping_its_address(provider):
    harvest(provider, "edudex", "edudex/example-program.json")
    course = Course.objects.get()
    changed = fixture_bytes("edudex/example-program.json").replace(b"1195.00", b"1250.00")
    report = harvest(provider, "edudex", "edudex/example-program.json", content=changed)
    assert (report.updated, report.created) == (1, 0)
    course.refresh_from_db()
    assert course.runs.get().price_excl_vat == 1250
    assert Course.objects.get().slug == course.slug


def test_record_gone_from_the_feed_is_withdrawn_after_the_grace_period_never_deleted(provider):
    feed = FeedFactory(provider=provider, format="csv", grace_period=timedelta(days=3))
    start = timezone.now()
    harvest(provider, "csv", "spreadsheet-example.csv", feed=feed, now=start)
    without_wijk = b"\n".join(
        line
        for line in fixture_bytes("spreadsheet-example.csv").split(b"\n")
        if not line.startswith(b"WIJK-2")
    )
    report = harvest(provider, "csv", "x.csv", feed=feed, now=start + timedelta(days=1), content=without_wijk)
    assert (report.missing, report.withdrawn) == (1, 0)
    assert Course.objects.get(external_id="WIJK-2").status == Course.Status.OFFERED
    report = harvest(provider, "csv", "x.csv", feed=feed, now=start + timedelta(days=4), content=without_wijk)
    assert (report.missing, report.withdrawn) == (0, 1)
    gone = Course.objects.get(external_id="WIJK-2")
    assert gone.status == Course.Status.WITHDRAWN and gone.withdrawn_at is not None
    assert not Course.objects.listed().filter(pk=gone.pk).exists()


def test_rejected_record_keeps_its_course_instead_of_withdrawing_it(provider):
    harvest(provider, "edudex", "edudex/example-program.json")
    broken = fixture_bytes("edudex/example-program.json").replace(
        b'"2026-03-24", "isFinal"', b'"2026-02-01", "isFinal"', 1
    )
    report = harvest(provider, "edudex", "edudex/example-program.json", content=broken)
    assert report.rejections == [
        {
            "record": "OMGW-2026",
            "field": "programRun[0].endDate",
            "reason": "De einddatum ligt voor de begindatum.",
        }
    ]
    assert report.withdrawn == 0
    assert Course.objects.get().status == Course.Status.OFFERED


def test_refused_feed_writes_nothing_and_the_command_exits_non_zero(provider, capsys):
    with pytest.raises(CommandError):
        call_command(
            "harvest",
            "--format",
            "edudex",
            "--provider",
            provider.code,
            fixture_path("edudex/hostile-xxe.xml"),
        )
    assert "DTD" in capsys.readouterr().out
    assert not Course.objects.exists()
    report = HarvestRun.objects.get()
    assert report.status == HarvestRun.Status.REFUSED and "DTD" in report.reason


def test_dry_run_reports_what_would_happen_and_writes_nothing(provider):
    report = harvest(provider, "edudex", "edudex/mixed-programs.xml", dry_run=True)
    assert (report.created, report.rejected, report.dry_run) == (1, 2, True)
    assert not Course.objects.exists()
    assert HarvestRun.objects.get().status == HarvestRun.Status.SUCCEEDED


def test_same_course_through_two_channels_is_listed_once_with_both_sources(provider):
    harvest(provider, "edudex", "edudex/example-program.xml")
    harvest(provider, "schemaorg", "schemaorg/course-page-nl.html")
    assert Course.objects.count() == 2
    (listed,) = Course.objects.listed()
    assert listed.channel == "edudex"
    assert [c.channel for c in listed.duplicates.all()] == ["schemaorg"]


def test_feed_labels_are_matched_to_our_themes(provider):
    theme = ThemeFactory(label="financiën")
    harvest(provider, "csv", "spreadsheet-example.csv")
    assert list(Course.objects.get(external_id="RAAD-1").themes.all()) == [theme]


def test_hung_run_is_failed_and_the_feed_is_still_harvested_on_schedule(provider):
    feed = FeedFactory(provider=provider, next_harvest_at=timezone.now() - timedelta(minutes=1))
    hung = services.start_feed_run(feed=feed)
    HarvestRun.objects.filter(pk=hung.pk).update(started_at=timezone.now() - timedelta(hours=2))
    JobProgress.objects.filter(pk=hung.job_id).update(updated_at=timezone.now() - timedelta(hours=2))
    assert services.fail_stale_runs() == 1
    hung.refresh_from_db()
    assert hung.status == HarvestRun.Status.FAILED and "kwam" in hung.reason
    (run,) = services.claim_due_feeds()
    assert run.feed == feed and run.status == HarvestRun.Status.RUNNING
    feed.refresh_from_db()
    assert feed.next_harvest_at > timezone.now()
    assert services.claim_due_feeds() == []  # not due again until its interval has passed


def test_harvested_courses_are_found_by_the_front_door_search(
    provider, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        harvest(provider, "edudex", "edudex/example-program.xml")
    response = client.get("/zoeken/", {"q": "Omgevingswet"})
    assert Course.objects.get().get_absolute_url() in response.content.decode()


def test_unchanged_programs_are_compared_by_source_hash_without_being_built(provider, monkeypatch):
    from kennishub.catalogue.harvest import edudex

    first = harvest(provider, "edudex", "edudex/mixed-programs.xml")
    assert (first.created, first.rejected) == (1, 2)
    before = snapshot()

    build = edudex.build_program

    def must_not_build_the_good_one(program):
        assert "GOED-1" not in str(program), "an unchanged program was built"
        return build(program)

    monkeypatch.setattr(edudex, "build_program", must_not_build_the_good_one)
    again = harvest(provider, "edudex", "edudex/mixed-programs.xml")
    # The good program is skipped unbuilt; the two bad ones are built again, and rejected again.
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert [r["record"] for r in again.rejections] == ["programma 2", "FOUT-3"]
    assert snapshot() == before


def test_a_file_broken_after_good_programs_writes_nothing(provider):
    good = fixture_bytes("edudex/mixed-programs.xml")
    truncated = good[: good.rindex(b"</ed:program>")]  # the end of the file is missing
    run = harvest(provider, "edudex", "kapot.xml", content=truncated)
    assert run.status == HarvestRun.Status.REFUSED and "geen geldige XML" in run.reason
    assert not Course.objects.exists()


def test_xml_in_another_declared_encoding_is_read(provider):
    text = fixture_bytes("edudex/mixed-programs.xml").decode()
    latin = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(
        "Voor teamleiders in gemeenten.", "Voor teamleiders in gemeenten, één dag."
    )
    run = harvest(provider, "edudex", "latin.xml", content=latin.encode("iso-8859-1"))
    assert run.created == 1
    assert Course.objects.get().summary == "Voor teamleiders in gemeenten, één dag."


def test_a_dtd_deep_inside_a_large_feed_is_still_refused(provider):
    good = fixture_bytes("edudex/mixed-programs.xml")
    hostile = good.replace(b"<!-- Written", b'<!DOCTYPE x [<!ENTITY a "b">]><!-- Written', 1)
    run = harvest(provider, "edudex", "dtd.xml", content=hostile)
    assert run.status == HarvestRun.Status.REFUSED and "DTD" in run.reason
    assert not Course.objects.exists()


def test_ooapi_prices_reach_the_runs_and_a_price_we_cannot_show_rejects_only_its_course(provider):
    course = json.loads(fixture_bytes("ooapi/course.example.json"))
    offering = json.loads(fixture_bytes("ooapi/course-offering.example.json"))
    offering["priceInformation"] = [
        {"costType": "STAP eligible", "amount": "900.00", "currency": "EUR"},
        {"costType": "tuition fees", "amount": "900.00", "vatAmount": "0", "currency": "EUR"},
        {"costType": "material costs", "amount": "60.50", "vatAmount": "10.50", "currency": "EUR"},
    ]
    unpriced = dict(course, courseId="zonder-prijs")
    unpriced["offerings"] = [
        dict(offering, offeringId="u-2", priceInformation=[{"costType": "total costs", "amount": "gratis?"}])
    ]
    content = json.dumps([course, offering, unpriced]).encode()
    report = harvest(provider, "ooapi", "feed.json", content=content)
    assert (report.created, report.rejected) == (1, 1)
    assert report.rejections[0]["field"] == "offerings[0].priceInformation[0].amount"
    stored = Course.objects.get()
    assert stored.lowest_price == Decimal("950.00")
    assert stored.runs.values_list("price_excl_vat", "price_incl_vat").get() == (
        Decimal("950.00"),
        Decimal("960.50"),
    )


# --- a feed that would empty its channel -------------------------------------------------------------

EMPTY_DIRECTORY = b'<edudexDirectory xmlns="http://studieData.nl/schema/edudex/directory"></edudexDirectory>'
ONLY_BROKEN_PROGRAMS = b"<catalogue><program></program><program></program></catalogue>"


@pytest.mark.parametrize(
    ("content", "rejected"),
    [
        (b"[]", 0),  # an EDU-DEX JSON list without programs
        (EMPTY_DIRECTORY, 0),
        (ONLY_BROKEN_PROGRAMS, 2),  # every program rejected, none naming a course of ours
    ],
)
@pytest.mark.parametrize("grace", [None, timedelta(0), timedelta(days=7)])
def test_a_feed_without_one_usable_course_is_refused_instead_of_withdrawing_the_channel(
    provider, content, rejected, grace
):
    feed = None if grace is None else FeedFactory(provider=provider, format="edudex", grace_period=grace)
    first = harvest(provider, "edudex", "edudex/example-program.xml", feed=feed)
    assert first.status == HarvestRun.Status.SUCCEEDED and first.created == 1
    report = harvest(provider, "edudex", "x.xml", feed=feed, content=content)
    assert report.status == HarvestRun.Status.REFUSED
    assert report.reason.startswith("De feed bevat geen enkele bruikbare opleiding")
    assert "1 aangeboden opleiding van dit kanaal zou worden ingetrokken" in report.reason
    assert (report.withdrawn, report.missing, report.rejected) == (0, 0, rejected)
    course = Course.objects.get()
    assert (course.status, course.missing_since) == (Course.Status.OFFERED, None)
    if feed is not None:  # the refused body is not remembered: the same feed is checked again
        feed.refresh_from_db()
        assert feed.body_hash == hashlib.sha256(fixture_bytes("edudex/example-program.xml")).hexdigest()


def test_an_all_rejected_spreadsheet_is_refused_and_keeps_its_reasons_in_the_report(provider):
    harvest(provider, "csv", "spreadsheet-example.csv")
    offered = Course.objects.offered().count()
    assert offered == 2
    broken = b"opleiding_id;titel;startdatum\nNIEUW-1;;2026-09-01\n;Zonder id;2026-09-01\n"
    report = harvest(provider, "csv", "x.csv", content=broken)
    assert report.status == HarvestRun.Status.REFUSED
    assert "alle 2 aangeboden opleidingen van dit kanaal zouden worden ingetrokken" in report.reason
    assert [(r["record"], r["field"]) for r in report.rejections] == [
        ("regel 2", "titel"),
        ("regel 3", "opleiding_id"),
    ]
    assert Course.objects.offered().count() == offered


def test_an_all_rejected_feed_whose_rejections_name_every_course_is_applied_and_keeps_them(provider):
    harvest(provider, "edudex", "edudex/example-program.json")
    broken = fixture_bytes("edudex/example-program.json").replace(
        b'"2026-03-24", "isFinal"', b'"2026-02-01", "isFinal"', 1
    )
    report = harvest(provider, "edudex", "x.json", content=broken)
    assert (report.status, report.rejected, report.withdrawn) == (HarvestRun.Status.SUCCEEDED, 1, 0)
    assert Course.objects.get().status == Course.Status.OFFERED


def test_an_empty_feed_of_a_channel_without_courses_on_offer_is_no_problem(provider):
    report = harvest(provider, "edudex", "x.json", content=b"[]")
    assert report.status == HarvestRun.Status.SUCCEEDED and report.created == 0


def test_an_empty_ooapi_page_is_refused_by_the_parser_and_withdraws_nothing(provider):
    harvest(provider, "ooapi", "ooapi/feed-course-with-offering.json")
    report = harvest(provider, "ooapi", "x.json", content=b'{"items": []}')
    assert report.status == HarvestRun.Status.REFUSED and "geen OOAPI-opleiding" in report.reason
    assert Course.objects.get().status == Course.Status.OFFERED
