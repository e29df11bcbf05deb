"""Every write of the catalogue: harvesting feeds, withdrawing courses, members' interest.

``apply_harvest`` is the one service that writes harvested records, for every format. ``harvest``
around it fetches (with the conditional request), parses, follows directory links and keeps the
run report and its live progress up to date.
"""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kennishub.core import audit, progress
from kennishub.core.exceptions import DomainError
from kennishub.core.models import AdministrativeRole, Municipality, Theme, WorkField

from .forms import LOAD_RANGES, PRICE_RANGES
from .harvest import registry
from .harvest.base import (
    PARSER_VERSION,
    CourseRecord,
    FeedRefused,
    LazyRecord,
    ParseResult,
    RecordError,
    Rejection,
    duplicate_rejection,
)
from .harvest.fetch import check_size, fetch
from .models import Course, CourseFacet, CourseFacetTotal, CourseRun, Feed, HarvestRun, Interest, Provider

logger = logging.getLogger(__name__)

audit.register_action("catalogue.harvest.applied", gettext_lazy("Feed harvested"))
audit.register_action("catalogue.interest.shown", gettext_lazy("Interest in a course shown"))
audit.register_action("catalogue.course.collective", gettext_lazy("Collective offer of a course changed"))

MAX_LINKS = 20_000  # programs one directory (with its sub-directories) may list
MAX_DIRECTORY_DEPTH = 3
MAX_STORED_REJECTIONS = 5_000
STALE_AFTER = getattr(settings, "KH_HARVEST_STALE_AFTER", timedelta(minutes=30))
PROGRESS_STEP = 1_000

# Place names people use that differ from the CBS name of the municipality.
PLACE_ALIASES = {"den haag": "'s-gravenhage", "den bosch": "'s-hertogenbosch"}


class InterestNotAllowed(DomainError):
    code = "interest-not-allowed"
    default_message = gettext_lazy("Only verified members of a municipality can show interest.")


class _DryRunRollback(Exception):
    """Raised inside the transaction of a dry run so every write is rolled back."""


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    withdrawn: int = 0


# --- the harvest of one source --------------------------------------------------------------------


def start_run(
    *,
    provider: Provider,
    format_name: str,
    source: str,
    feed: Feed | None = None,
    dry_run: bool = False,
    actor=None,
    upload=None,
) -> HarvestRun:
    """Create the report of a harvest that starts now, with its progress record."""
    if format_name not in registry.names():
        raise DomainError(_("Unknown format “%(name)s”.") % {"name": format_name}, code="unknown-format")
    label = _("Harvest of %(provider)s (%(source)s)") % {"provider": provider.name, "source": source[-80:]}
    job = progress.start(name="catalogue.harvest", label=label)
    return HarvestRun.objects.create(
        provider=provider,
        feed=feed,
        format=format_name,
        channel=feed.channel if feed else format_name,
        source=source[:1000],
        dry_run=dry_run,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        job=job,
        upload=upload or "",
    )


def harvest(run: HarvestRun, *, content: bytes | None = None) -> HarvestRun:
    """Carry out a started run: fetch (or take `content`), parse, follow links, apply, report.

    A feed that cannot be read at all ends the run as refused and writes nothing. An unchanged feed
    (a 304 answer, or the same bytes as last time) ends as "unchanged" without parsing. Any other
    error marks the run failed with its reason and is raised again.
    """
    if run.feed_id is not None:
        run.feed = Feed.objects.get(pk=run.feed_id)  # the ETag and hash of the last harvest, fresh
    feed = run.feed
    try:
        if content is None and run.upload:
            with run.upload.open("rb") as handle:
                content = handle.read()
        if content is None:
            conditional = feed is not None and not run.dry_run
            fetched = fetch(
                run.source,
                etag=feed.etag if conditional else "",
                last_modified=feed.last_modified if conditional else "",
            )
            if fetched.not_modified:
                return _finish_unchanged(run)
            content = fetched.content
            feed_headers = {"etag": fetched.etag[:300], "last_modified": fetched.last_modified[:100]}
        else:
            check_size(content)
            feed_headers = {}
        body_hash = hashlib.sha256(content).hexdigest()
        if feed is not None and not run.dry_run and feed.body_hash == body_hash and feed.body_hash:
            _remember(feed, body_hash=body_hash, **feed_headers)
            return _finish_unchanged(run)
        result = parse(run.format, content, job=run.job)
        apply_harvest(run=run, result=result)
    except FeedRefused as refusal:
        return _refuse(run, refusal.reason)
    except Exception as error:
        _fail(run, _("The harvest stopped on an unexpected error: %(error)s") % {"error": error})
        raise
    if feed is not None and not run.dry_run:
        _remember(feed, body_hash=body_hash, **feed_headers)
    return run


def parse(format_name: str, content: bytes, *, job=None, depth: int = 0) -> ParseResult:
    """Parse `content`, and for a directory file fetch and parse every document it lists."""
    result = registry.get(format_name).parse(content)
    links, result.links = result.links, []
    if links and depth >= MAX_DIRECTORY_DEPTH:
        raise FeedRefused(_("The directory nests more than %(n)s levels deep.") % {"n": MAX_DIRECTORY_DEPTH})
    if len(links) > MAX_LINKS:
        raise FeedRefused(_("The directory lists more than %(n)s documents.") % {"n": MAX_LINKS})
    if links and job is not None:
        job.total = (job.total or 0) + len(links)
        job.save(update_fields=["total", "updated_at"])
    for record_id, url, kind in links:
        try:
            if not url:
                raise FeedRefused(_("The directory gives no address."))
            fetched = fetch(url)
            result.extend(
                parse(format_name, fetched.content, depth=depth + 1, job=job if kind == "directory" else None)
            )
        except FeedRefused as refusal:
            field = "directoryUrl" if kind == "directory" else "resourceUrl"
            # The id of a program that could not be read keeps its course from being withdrawn.
            result.rejections.append(Rejection(record_id or url, field, refusal.reason))
        if job is not None:
            progress.advance(job)
    return result


def _finish_unchanged(run: HarvestRun) -> HarvestRun:
    run.status = HarvestRun.Status.NOT_MODIFIED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    if run.job:
        progress.finish(run.job, message=_("The feed has not changed since the last harvest."))
    return run


def _refuse(run: HarvestRun, reason: str) -> HarvestRun:
    run.status = HarvestRun.Status.REFUSED
    run.reason = reason
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "reason", "finished_at"])
    if run.job:
        progress.fail(run.job, message=reason)
    return run


def _fail(run: HarvestRun, reason: str) -> None:
    HarvestRun.objects.filter(pk=run.pk).update(
        status=HarvestRun.Status.FAILED, reason=reason, finished_at=timezone.now()
    )
    if run.job:
        progress.fail(run.job, message=reason)


def _remember(
    feed: Feed, *, body_hash: str, etag: str | None = None, last_modified: str | None = None
) -> None:
    changes = {"body_hash": body_hash}
    if etag is not None:
        changes["etag"] = etag
    if last_modified is not None:
        changes["last_modified"] = last_modified
    Feed.objects.filter(pk=feed.pk).update(**changes)


# --- writing the records --------------------------------------------------------------------------


def _slug(title: str, provider: Provider, channel: str, external_id: str) -> str:
    # Deterministic: a re-run after a rollback, or on another machine, gives the same address.
    digest = hashlib.sha256(f"{provider.code}|{channel}|{external_id}".encode()).hexdigest()[:8]
    return f"{slugify(title)[:100] or 'opleiding'}-{digest}"


class _Lookup:
    """Our taxonomies by the labels feeds use, read once per harvest."""

    def __init__(self):
        self.themes: dict[str, int] = {}
        for pk, code, slug, label in Theme.objects.active().values_list("pk", "code", "slug", "label"):
            self.themes.update({code.casefold(): pk, slug.casefold(): pk, label.casefold(): pk})
        self.roles = {}
        for pk, slug, name in AdministrativeRole.objects.values_list("pk", "slug", "name"):
            self.roles.update({slug.casefold(): pk, name.casefold(): pk})
        self.work_fields = {}
        for pk, slug, name in WorkField.objects.filter(is_active=True).values_list("pk", "slug", "name"):
            self.work_fields.update({slug.casefold(): pk, name.casefold(): pk})
        self.places = {
            name.casefold(): (pk, province_id)
            for pk, name, province_id in Municipality.objects.active().values_list(
                "pk", "name", "province_id"
            )
        }

    def match(self, table: dict, labels) -> list[int]:
        return sorted({table[key] for label in labels if (key := label.casefold()) in table})

    def place(self, city: str) -> tuple[int | None, int | None]:
        key = city.casefold().strip()
        return self.places.get(PLACE_ALIASES.get(key, key), (None, None))


def _course_fields(record: CourseRecord) -> dict:
    starts = [r.start_date for r in record.runs if r.start_date and r.status != CourseRun.Status.CANCELLED]
    today = timezone.localdate()
    upcoming = [d for d in starts if d >= today]
    lowest_price, includes_vat = _lowest_price(record.runs)
    return {
        "code": record.code,
        "title": record.title,
        "summary": record.summary,
        "description": record.description,
        "kind": record.kind,
        "level": record.level,
        "study_load_hours": record.study_load_hours,
        "language": record.language,
        "url": record.url,
        "topics": record.topics,
        "keywords": record.keywords,
        "audience_labels": record.audiences,
        "learning_outcomes": record.learning_outcomes,
        "admission": record.admission,
        "accreditation": record.accreditation,
        "certificate": record.certificate,
        "next_start": min(upcoming) if upcoming else None,
        "lowest_price": lowest_price,
        "lowest_price_includes_vat": includes_vat,
    }


def _lowest_price(runs) -> tuple[Decimal | None, bool]:
    """The lowest price of `runs` as stated, and whether it includes VAT.

    A run counts with its price excluding VAT, or including VAT when the feed gives only that (an
    OOAPI ``amount`` alone, a spreadsheet with only ``prijs_incl_btw``). On equal amounts the price
    excluding VAT wins. No VAT rate is ever guessed to turn one into the other, so a course priced
    only including VAT sorts and filters on that price, and says so wherever it is shown.
    """
    stated = [
        (run.price_excl_vat, False) if run.price_excl_vat is not None else (run.price_incl_vat, True)
        for run in runs
        if run.price_excl_vat is not None or run.price_incl_vat is not None
    ]
    return min(stated) if stated else (None, False)


COURSE_FIELDS = [*_course_fields(CourseRecord(external_id="", title="")).keys(), "content_hash", "status"]
COURSE_FIELDS += ["missing_since", "withdrawn_at", "updated_at"]
RUN_FIELDS = [
    "start_date",
    "end_date",
    "application_deadline",
    "run_format",
    "status",
    "location_name",
    "address",
    "postal_code",
    "city",
    "municipality",
    "province",
    "language",
    "seats",
    "price_excl_vat",
    "price_incl_vat",
    "url",
    "schedule",
]


def apply_harvest(*, run: HarvestRun, result: ParseResult, now=None) -> HarvestRun:
    """Write the parsed records of `run` and complete its report; one transaction for all of it.

    Records are matched on (provider, channel, external id). A record whose content hash is
    unchanged is not written at all, so a re-run leaves the database exactly as the first run did.
    Courses of the channel missing from the feed get ``missing_since``; once missing longer than the
    feed's grace period (immediately without a feed) they are withdrawn ("niet meer aangeboden"),
    never deleted. A rejected record keeps its course as it was. A feed without one usable record
    that would take offered courses from the channel raises FeedRefused (nothing written, the
    rejections kept in the report): an empty or broken export never withdraws a whole channel.
    With ``run.dry_run`` every write is rolled back and only the report is kept.
    """
    now = now or timezone.now()
    provider, channel = run.provider, run.channel
    grace = run.feed.grace_period if run.feed else timedelta(0)
    default_themes = sorted(run.feed.default_themes.values_list("pk", flat=True)) if run.feed else []
    pending, skipped, rejections = _prepare(run, result, default_themes)
    counts = _Counts()
    changed_ids: list[int] = []
    try:
        with transaction.atomic():
            Provider.objects.select_for_update().get(pk=provider.pk)  # one harvest per provider at a time
            changed_ids = _write(
                provider, channel, pending, skipped, rejections, counts, grace, default_themes, now, run.job
            )
            if run.dry_run:
                raise _DryRunRollback
            _record_report(run, counts, rejections, now)
            audit.record(
                provider,
                "catalogue.harvest.applied",
                actor=run.started_by,
                data={
                    "run": run.pk,
                    "created": counts.created,
                    "updated": counts.updated,
                    "withdrawn": counts.withdrawn,
                },
            )
            if changed_ids:
                from .tasks import index_courses

                transaction.on_commit(partial(index_courses.enqueue, changed_ids))
    except _DryRunRollback:
        _record_report(run, counts, rejections, now)
    except FeedRefused:
        # Nothing was written; keep why the records were rejected next to the refusal's reason.
        run.rejected, run.rejections = len(rejections), _stored_rejections(rejections)
        run.save(update_fields=["rejected", "rejections"])
        raise
    if run.job:
        progress.finish(run.job, message=_report_line(run))
    return run


WRITE_BATCH = 1_000  # records built, validated and written at a time: memory stays bounded


def _prepare(run: HarvestRun, result: ParseResult, default_themes: list[int]):
    """Sort the parsed records into unchanged (skipped unbuilt) and pending, without building any.

    One query reads the stored hash of every course of the channel. A lazily parsed record whose
    source hash matches is counted as unchanged without being built or validated; every other
    record stays pending, with its content hash when known, and is built (and validated: a
    RecordError rejects it alone) batch by batch as it is written, so a big feed never holds more
    than WRITE_BATCH built records. Runs before the write transaction, so the progress is visible.
    """
    salt = ",".join(map(str, default_themes))
    known = {
        external_id: (content_hash, status, missing_since)
        for external_id, content_hash, status, missing_since in Course.objects.filter(
            provider=run.provider, channel=run.channel
        ).values_list("external_id", "content_hash", "status", "missing_since")
    }
    if run.job:
        run.job.total = len(result.records) or None
        run.job.save(update_fields=["total", "updated_at"])
    pending: list[tuple[CourseRecord | LazyRecord, str]] = []
    skipped: set[str] = set()
    seen: set[str] = set()  # ids as found cheaply in the source; the build tells the real one
    for position, item in enumerate(result.records, start=1):
        if run.job and position % PROGRESS_STEP == 0:
            progress.advance(run.job, steps=PROGRESS_STEP, message=_("Comparing records"))
        if isinstance(item, LazyRecord):
            content_hash = hashlib.sha256(f"{item.source_hash}|{salt}|{PARSER_VERSION}".encode()).hexdigest()
            unchanged = known.get(item.external_id) == (content_hash, Course.Status.OFFERED, None)
            if item.external_id and item.external_id not in seen and unchanged:
                seen.add(item.external_id)
                skipped.add(item.external_id)
                continue
            seen.add(item.external_id)
        else:
            source = f"{item.content_hash()}|{salt}|{PARSER_VERSION}"
            content_hash = hashlib.sha256(source.encode()).hexdigest()
            seen.add(item.external_id)
        pending.append((item, content_hash))
    if run.job:
        progress.advance(run.job, steps=len(result.records) % PROGRESS_STEP, message=_("Saving"))
    return pending, skipped, list(result.rejections)


class _OutsideProgress:
    """Progress of the write, on a database connection of its own.

    The write is one transaction, whose own updates no one else sees until it commits; the live
    progress view and the hung-run check read the job row. PostgreSQL only: SQLite has one writer.
    """

    def __init__(self, job):
        self.job, self.other = job, None
        if job is not None and connection.vendor == "postgresql":
            from django.db import connections

            self.other = connections.create_connection(DEFAULT_DB_ALIAS)

    def saved(self, done: int, total: int) -> None:
        if self.other is None:
            return
        from kennishub.core.models import JobProgress

        table = self.other.ops.quote_name(JobProgress._meta.db_table)
        message = _("Saving: %(done)s of %(total)s records") % {"done": done, "total": total}
        try:
            with self.other.cursor() as cursor:
                # Should a caller's own open transaction hold the job row, give up on this report
                # after a second instead of waiting for a commit that waits for us.
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute(
                    f"UPDATE {table} SET message = %s, updated_at = %s WHERE id = %s",  # noqa: S608
                    [message[:200], timezone.now(), self.job.pk],
                )
        except DatabaseError:  # progress is a courtesy: never let it stop the harvest
            logger.warning("Could not report harvest progress", exc_info=True)

    def close(self) -> None:
        if self.other is not None:
            self.other.close()


def _write(
    provider, channel, pending, skipped, rejections, counts: _Counts, grace, default_themes, now, job=None
) -> list[int]:
    counts.unchanged += len(skipped)
    existing = {
        row[0]: row[1:]
        for row in Course.objects.filter(provider=provider, channel=channel).values_list(
            "external_id", "pk", "content_hash", "status", "missing_since", "slug"
        )
    }
    lookup = _Lookup()
    built: set[str] = set()
    changed: list[int] = []
    reporter = _OutsideProgress(job)
    try:
        for start in range(0, len(pending), WRITE_BATCH):
            batch = []
            for item, content_hash in pending[start : start + WRITE_BATCH]:
                if isinstance(item, LazyRecord):
                    try:
                        record = item.build()
                    except RecordError as error:
                        rejections.append(Rejection(item.label, error.field, error.reason, item.external_id))
                        continue
                    label = item.label
                else:
                    record, label = item, item.external_id
                if record.external_id in built or record.external_id in skipped:
                    rejections.append(duplicate_rejection(label))
                    continue
                built.add(record.external_id)
                batch.append((record, content_hash))
            changed += _write_batch(provider, channel, batch, existing, counts, lookup, default_themes, now)
            reporter.saved(min(start + WRITE_BATCH, len(pending)), len(pending))
    finally:
        reporter.close()
    seen = built | skipped | {r.external_id or r.record for r in rejections}
    if not built and not skipped:
        _refuse_emptying(existing, seen)
    withdrawn_ids = _withdraw_missing(existing, seen, counts, grace, now)
    changed += withdrawn_ids
    if changed:
        refresh_facets(changed + _mark_duplicates(provider))
    return changed


def _write_batch(
    provider, channel, hashed, existing, counts: _Counts, lookup, default_themes, now
) -> list[int]:
    """Create or update the courses of one batch of built records, with their relations and runs."""
    creates: list[tuple[Course, CourseRecord]] = []
    updates: list[tuple[Course, CourseRecord]] = []
    for record, content_hash in hashed:
        known = existing.get(record.external_id)
        if known and known[1] == content_hash and known[2] == Course.Status.OFFERED and known[3] is None:
            counts.unchanged += 1
            continue
        fields = _course_fields(record) | {
            "content_hash": content_hash,
            "status": Course.Status.OFFERED,
            "missing_since": None,
            "withdrawn_at": None,
        }
        if known:
            course = Course(
                pk=known[0],
                provider=provider,
                channel=channel,
                external_id=record.external_id,
                slug=known[4],
                updated_at=now,
                **fields,
            )
            updates.append((course, record))
            counts.updated += 1
        else:
            slug = _slug(record.title, provider, channel, record.external_id)
            course = Course(
                provider=provider, channel=channel, external_id=record.external_id, slug=slug, **fields
            )
            creates.append((course, record))
            counts.created += 1
    if updates:
        Course.objects.bulk_update([c for c, _r in updates], COURSE_FIELDS, batch_size=1000)
    if creates:
        Course.objects.bulk_create([c for c, _r in creates], batch_size=1000)
    written = creates + updates
    if written:
        _write_relations(written, lookup, default_themes)
        _write_runs(written, lookup, {c.pk for c, _r in updates})
    return [c.pk for c, _r in written]


def _write_relations(written, lookup: _Lookup, default_themes) -> None:
    ids = [course.pk for course, _r in written]
    relations = [
        (
            Course.themes.through,
            "theme_id",
            lambda r: sorted(
                set(lookup.match(lookup.themes, r.themes + r.topics + r.keywords)) | set(default_themes)
            ),
        ),
        (
            Course.administrative_roles.through,
            "administrativerole_id",
            lambda r: lookup.match(lookup.roles, r.audiences),
        ),
        (Course.work_fields.through, "workfield_id", lambda r: lookup.match(lookup.work_fields, r.audiences)),
    ]
    for through, column, targets in relations:
        through.objects.filter(course_id__in=ids).delete()
        through.objects.bulk_create(
            [
                through(course_id=course.pk, **{column: target})
                for course, record in written
                for target in targets(record)
            ],
            batch_size=2000,
        )


def _write_runs(written, lookup: _Lookup, updated_ids: set[int]) -> None:
    existing = defaultdict(dict)
    if updated_ids:
        for pk, course_id, external_id in CourseRun.objects.filter(course_id__in=updated_ids).values_list(
            "pk", "course_id", "external_id"
        ):
            existing[course_id][external_id] = pk
    creates, updates, keep = [], [], set()
    for course, record in written:
        for item in record.runs:
            municipality_id, province_id = lookup.place(item.city) if item.city else (None, None)
            run = CourseRun(
                course_id=course.pk,
                external_id=item.external_id,
                start_date=item.start_date,
                end_date=item.end_date,
                application_deadline=item.application_deadline,
                run_format=item.run_format,
                status=item.status,
                location_name=item.location_name[:200],
                address=item.address[:200],
                postal_code=item.postal_code[:20],
                city=item.city[:100],
                municipality_id=municipality_id,
                province_id=province_id,
                language=item.language,
                seats=item.seats,
                price_excl_vat=item.price_excl_vat,
                price_incl_vat=item.price_incl_vat,
                url=item.url,
                schedule=item.schedule,
            )
            pk = existing[course.pk].get(item.external_id)
            if pk:
                run.pk = pk
                keep.add(pk)
                updates.append(run)
            else:
                creates.append(run)
    if updated_ids:
        # Runs gone from an updated record are past or cancelled at the provider: they leave with it.
        CourseRun.objects.filter(course_id__in=updated_ids).exclude(pk__in=keep).delete()
    if updates:
        CourseRun.objects.bulk_update(updates, RUN_FIELDS, batch_size=1000)
    if creates:
        CourseRun.objects.bulk_create(creates, batch_size=1000)


def _refuse_emptying(existing, seen) -> None:
    """Refuse a feed without one usable course that would take offered courses from the channel.

    An empty feed, or one whose every record is rejected, is far more often a broken export than a
    provider stopping altogether: counting its courses as gone would withdraw the whole channel
    (at once without a grace period). Courses whose rejected records name them are kept anyway.
    """
    at_stake = sum(
        1
        for external_id, (_pk, _hash, status, _missing, _slug) in existing.items()
        if status == Course.Status.OFFERED and external_id not in seen
    )
    if at_stake:
        raise FeedRefused(
            ngettext(
                "The feed holds no course we can use, so its %(count)s course on offer would be "
                "withdrawn. Nothing has been changed; check the feed and harvest it again.",
                "The feed holds no course we can use, so all %(count)s of its courses on offer would "
                "be withdrawn. Nothing has been changed; check the feed and harvest it again.",
                at_stake,
            )
            % {"count": at_stake}
        )


def _withdraw_missing(existing, seen, counts: _Counts, grace, now) -> list[int]:
    first_missing, withdraw = [], []
    for external_id, (pk, _hash, status, missing_since, _slug) in existing.items():
        if external_id in seen or status != Course.Status.OFFERED:
            continue
        since = missing_since or now
        if now - since >= grace:
            withdraw.append(pk)
        elif missing_since is None:
            first_missing.append(pk)
            counts.missing += 1
        else:
            counts.missing += 1
    if first_missing:
        Course.objects.filter(pk__in=first_missing).update(missing_since=now)
    if withdraw:
        Course.objects.filter(pk__in=withdraw).update(
            status=Course.Status.WITHDRAWN, withdrawn_at=now, missing_since=None, updated_at=now
        )
        counts.withdrawn += len(withdraw)
    return withdraw


def _mark_duplicates(provider: Provider) -> list[int]:
    """The same course through two channels of one provider: show the first copy, link the others.

    Courses match on the provider's course code, or on the exact title when a channel gives none.
    Returns the ids of courses whose link changed.
    """
    groups = defaultdict(list)
    rows = Course.objects.filter(provider=provider, status=Course.Status.OFFERED).values_list(
        "pk", "channel", "code", "title", "duplicate_of_id"
    )
    for pk, channel, code, title, duplicate_of in rows.order_by("pk"):
        groups[(code or title).casefold().strip()].append((pk, channel, duplicate_of))
    changes = defaultdict(list)
    for members in groups.values():
        primary = members[0][0]
        channels = {m[1] for m in members}
        for pk, _channel, duplicate_of in members:
            target = primary if (pk != primary and len(channels) > 1) else None
            if duplicate_of != target:
                changes[target].append(pk)
    changed = []
    for target, pks in changes.items():
        Course.objects.filter(pk__in=pks).update(duplicate_of_id=target)
        changed.extend(pks)
    # A withdrawn primary no longer hides its copies.
    released = Course.objects.filter(
        provider=provider, status=Course.Status.WITHDRAWN, duplicate_of__isnull=False
    )
    changed.extend(released.values_list("pk", flat=True))
    released.update(duplicate_of=None)
    return changed


def _record_report(run: HarvestRun, counts: _Counts, rejections, now) -> None:
    run.created, run.updated, run.unchanged = counts.created, counts.updated, counts.unchanged
    run.missing, run.withdrawn = counts.missing, counts.withdrawn
    run.rejected = len(rejections)
    run.rejections = _stored_rejections(rejections)
    run.status = HarvestRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()


def _stored_rejections(rejections) -> list[dict]:
    return [
        {"record": r.record, "field": r.field, "reason": r.reason} for r in rejections[:MAX_STORED_REJECTIONS]
    ]


def _report_line(run: HarvestRun) -> str:
    return _(
        "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(withdrawn)s withdrawn, "
        "%(rejected)s rejected"
    ) % {
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "withdrawn": run.withdrawn,
        "rejected": run.rejected,
    }


report_line = _report_line


# --- schedules and hung runs ------------------------------------------------------------------------


def fail_stale_runs(*, now=None) -> int:
    """Mark runs without progress for longer than STALE_AFTER as failed; return how many."""
    now = now or timezone.now()
    stale = HarvestRun.objects.filter(
        status=HarvestRun.Status.RUNNING, started_at__lt=now - STALE_AFTER
    ).select_related("job")
    count = 0
    for run in stale:
        heartbeat = run.job.updated_at if run.job else run.started_at
        if heartbeat < now - STALE_AFTER:
            _fail(
                run,
                _("The harvest made no progress for %(minutes)s minutes and was stopped.")
                % {"minutes": int(STALE_AFTER.total_seconds() // 60)},
            )
            count += 1
    return count


def claim_due_feeds(*, now=None) -> list[HarvestRun]:
    """Start a run for every active feed that is due, moving its next harvest on first.

    The feed rows are claimed with SKIP LOCKED and rescheduled in the same transaction, so two
    schedulers never harvest one feed twice, and a run that hangs never blocks the next one.
    """
    now = now or timezone.now()
    runs = []
    with transaction.atomic():
        due = (
            Feed.objects.select_for_update(skip_locked=True)
            .filter(is_active=True, next_harvest_at__lte=now)
            .select_related("provider__organisation")
        )
        for feed in due:
            feed.next_harvest_at = now + feed.interval
            feed.save(update_fields=["next_harvest_at"])
            runs.append(start_feed_run(feed=feed))
    return runs


def queue_run(run: HarvestRun) -> HarvestRun:
    """Have the task worker carry out `run` once the transaction that created it has committed."""
    from .tasks import run_harvest

    transaction.on_commit(partial(run_harvest.enqueue, run.pk))
    return run


def start_due_feeds() -> list[HarvestRun]:
    """Fail hung runs, then queue a run of every feed that is due; a hung run never blocks them."""
    fail_stale_runs()
    return [queue_run(run) for run in claim_due_feeds()]


def start_feed_run(*, feed: Feed, actor=None, dry_run: bool = False) -> HarvestRun:
    source = feed.url or (feed.upload.name if feed.upload else "")
    if not source:
        raise DomainError(_("This feed has neither an address nor a file."), code="feed-without-source")
    return start_run(
        provider=feed.provider,
        format_name=feed.format,
        source=source,
        feed=feed,
        dry_run=dry_run,
        actor=actor,
        upload=feed.upload.name if (feed.upload and not feed.url) else None,
    )


def refresh_next_starts() -> int:
    """Move ``next_start`` on for courses whose next run has begun; return how many changed.

    ``next_start`` is set at harvest time so the catalogue sorts without aggregating runs; a daily
    job keeps it true as runs start.
    """
    today = timezone.localdate()
    upcoming = (
        CourseRun.objects.filter(course=OuterRef("pk"), start_date__gte=today)
        .exclude(status=CourseRun.Status.CANCELLED)
        .order_by("start_date")
        .values("start_date")[:1]
    )
    with transaction.atomic():
        moved = list(Course.objects.filter(next_start__lt=today).values_list("pk", flat=True))
        Course.objects.filter(pk__in=moved).update(next_start=Subquery(upcoming))
        # A run that began no longer counts for the format and province filters.
        refresh_facets(moved)
    return len(moved)


@transaction.atomic
def update_collective(*, course: Course, actor=None) -> Course:
    """Save staff's collective flag, note and member price of `course`, and its facet rows."""
    course.save(update_fields=["is_collective", "collective_note", "member_price", "updated_at"])
    refresh_facets([course.pk])
    audit.record(
        course,
        "catalogue.course.collective",
        actor=actor,
        data={"is_collective": course.is_collective, "member_price": str(course.member_price or "")},
    )
    return course


# --- the facet rows of the catalogue ---------------------------------------------------------------

FACET_CHUNK = 5_000
# One listed course in this many carries ``CourseFacet.sample``: the catalogue estimates its counts
# from these when too many courses match to count them all (``selectors.EXACT_LIMIT``).
SAMPLE_EVERY = 16


def _range_sql(column: str, low, high) -> tuple[str, list]:
    # The same ranges as the filter form: [low, high), and a high of 0 means "exactly 0" (free).
    sql, params = [f"c.{column} IS NOT NULL"], []
    if low is not None:
        sql.append(f"c.{column} >= %s")
        params.append(low)
    if high is not None:
        sql.append(f"c.{column} < %s" if high else f"c.{column} = %s")
        params.append(high)
    return " AND ".join(sql), params


def _facet_selects(listed: str, listed_params: list) -> tuple[str, list]:
    """One SELECT (course id, facet, value) per kind of facet row, joined with UNION ALL.

    Only table and column names of our own models and constant facet names are put into the text;
    every value is a parameter. Each part's placeholders are the `listed` ones, then its own.
    """
    q = connection.ops.quote_name
    course, run = q(Course._meta.db_table), q(CourseRun._meta.db_table)

    def text(column: str) -> str:
        return f"CAST({column} AS VARCHAR(80))"

    def sample(column: str) -> str:
        # A multiplicative hash spreads the sample over every provider and feed (ids come in runs).
        return f"(({column} * 2654435761) %% 4294967291) %% {int(SAMPLE_EVERY)} = 0"

    def of_course(facet: str, value: str, condition: str = "") -> str:
        return (
            f"SELECT c.id, '{facet}', {value}, {sample('c.id')} FROM {course} c "  # noqa: S608
            f"WHERE {listed}{condition}"
        )

    parts: list[tuple[str, list]] = [
        (of_course("alle", "'1'"), []),
        (of_course("aanbieder", text("c.provider_id")), []),
        (of_course("collectief", "'1'", " AND c.is_collective = %s"), [True]),
    ]
    for facet, column, ranges in (
        ("prijs", "lowest_price", PRICE_RANGES),
        ("studiebelasting", "study_load_hours", LOAD_RANGES),
    ):
        for key, (_label, low, high) in ranges.items():
            condition, params = _range_sql(column, low, high)
            parts.append((of_course(facet, f"'{key}'", f" AND {condition}"), params))
    for facet, relation in (
        ("thema", Course.themes),
        ("rol", Course.administrative_roles),
        ("werkveld", Course.work_fields),
    ):
        through = q(relation.through._meta.db_table)
        target = text("t." + q(relation.field.m2m_reverse_name()))
        parts.append(
            (
                f"SELECT t.course_id, '{facet}', {target}, {sample('t.course_id')} FROM {through} t "  # noqa: S608
                f"JOIN {course} c ON c.id = t.course_id WHERE {listed}",
                [],
            )
        )
    # Runs that still start: not cancelled, not begun (the daily refresh_next_starts moves this on).
    runs = (
        f"FROM {run} r JOIN {course} c ON c.id = r.course_id "
        f"WHERE {listed} AND r.status <> %s AND r.start_date >= %s"
    )
    run_params = [CourseRun.Status.CANCELLED, timezone.localdate()]
    province = text("r.province_id")
    in_sample = sample("r.course_id")
    parts += [
        (
            f"SELECT DISTINCT r.course_id, 'vorm', r.run_format, {in_sample} {runs} AND r.run_format <> ''",
            run_params,
        ),
        (
            f"SELECT DISTINCT r.course_id, 'provincie', {province}, {in_sample} {runs} "
            "AND r.province_id IS NOT NULL",
            run_params,
        ),
        (
            f"SELECT DISTINCT r.course_id, 'run', r.run_format || ':' || {province}, {in_sample} {runs} "
            "AND r.run_format <> '' AND r.province_id IS NOT NULL",
            run_params,
        ),
    ]
    sql = " UNION ALL ".join(part for part, _params in parts)
    params = [p for _part, extra in parts for p in (*listed_params, *extra)]
    return sql, params


def refresh_facets(course_ids=None) -> None:
    """Rebuild the facet rows of `course_ids` (every course when None) from the courses themselves.

    Set-based SQL, in chunks: a harvest of 50,000 courses costs a few statements, not one per row.
    Call it in the transaction that changed the courses, so the catalogue never sees half of it.
    """
    table = connection.ops.quote_name(CourseFacet._meta.db_table)
    listed_sql = "c.status = %s AND c.duplicate_of_id IS NULL"
    with transaction.atomic(), connection.cursor() as cursor:
        if course_ids is None:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            sql, params = _facet_selects(listed_sql, [Course.Status.OFFERED])
            cursor.execute(f"INSERT INTO {table} (course_id, facet, value, sample) {sql}", params)
            _refresh_totals(cursor)
            return
        ids = sorted(set(course_ids))
        if not ids:
            return
        for start in range(0, len(ids), FACET_CHUNK):
            chunk = ids[start : start + FACET_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE course_id IN ({marks})", chunk)  # noqa: S608
            sql, params = _facet_selects(
                f"{listed_sql} AND c.id IN ({marks})", [Course.Status.OFFERED, *chunk]
            )
            cursor.execute(f"INSERT INTO {table} (course_id, facet, value, sample) {sql}", params)
        _refresh_totals(cursor)


def _refresh_totals(cursor) -> None:
    """Recount CourseFacetTotal from the facet rows; concurrent harvests take turns on one row lock."""
    lock = CourseFacetTotal.objects.select_for_update().filter(facet="alle", value="1")
    if not list(lock):
        CourseFacetTotal.objects.get_or_create(facet="alle", value="1")
        list(lock)
    q = connection.ops.quote_name
    totals, rows = q(CourseFacetTotal._meta.db_table), q(CourseFacet._meta.db_table)
    cursor.execute(f"DELETE FROM {totals} WHERE facet <> 'alle'")  # noqa: S608
    cursor.execute(
        f"INSERT INTO {totals} (facet, value, count) SELECT facet, value, COUNT(*) FROM {rows} "  # noqa: S608
        "WHERE facet NOT IN ('alle', 'run') GROUP BY facet, value"
    )
    cursor.execute(
        f"UPDATE {totals} SET count = (SELECT COUNT(*) FROM {rows} WHERE facet = 'alle') "  # noqa: S608
        "WHERE facet = 'alle'"
    )


# --- interest --------------------------------------------------------------------------------------


def show_interest(*, member, course: Course | None = None, theme: Theme | None = None) -> Interest:
    """Record `member`'s interest in a course or a theme (once); the demand signal for lacunes."""
    from kennishub.accounts.selectors import is_verified_member, profile_of

    if not is_verified_member(member):
        raise InterestNotAllowed
    if (course is None) == (theme is None):
        raise DomainError(_("Choose a course or a theme."), code="interest-target")
    interest, created = Interest.objects.get_or_create(
        user=member,
        course=course,
        theme=theme,
        defaults={"municipality_id": profile_of(member).municipality_id},
    )
    if created:
        audit.record(
            interest,
            "catalogue.interest.shown",
            actor=member,
            data={"course": getattr(course, "pk", None), "theme": getattr(theme, "pk", None)},
        )
    return interest


def withdraw_interest(*, member, course: Course | None = None, theme: Theme | None = None) -> None:
    Interest.objects.filter(user=member, course=course, theme=theme).delete()
