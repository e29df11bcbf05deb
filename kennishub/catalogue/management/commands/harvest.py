"""``manage.py harvest``: harvest a file or URL, one feed, or every feed that is due.

    manage.py harvest --format edudex|ooapi|schemaorg|csv --provider CODE [--dry-run] FILE_OR_URL
    manage.py harvest --feed ID [--dry-run]
    manage.py harvest --due

Prints the report of each run and exits with status 1 when a feed was refused as a whole.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kennishub.catalogue import selectors, services
from kennishub.catalogue.harvest import registry
from kennishub.catalogue.models import Feed, HarvestRun, Provider
from kennishub.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Harvest course offer from a file, a URL, one feed or all feeds that are due."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="A file path or an http(s) URL.")
        parser.add_argument("--format", choices=registry.names(), help="Format of FILE_OR_URL.")
        parser.add_argument("--provider", help="Code of the provider FILE_OR_URL belongs to.")
        parser.add_argument("--feed", type=int, help="Harvest this feed (its id).")
        parser.add_argument("--due", action="store_true", help="Harvest every active feed that is due.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report, but write nothing.")

    def handle(self, *args, **options):
        try:
            runs = self._runs(options)
        except DomainError as error:
            raise CommandError(error.message) from error
        refused = False
        for run, content in runs:
            run = services.harvest(run, content=content)
            self._print(run)
            refused = refused or run.was_refused
        if refused:
            raise CommandError(_("The feed was refused; nothing was written."))

    def _runs(self, options) -> list[tuple[HarvestRun, bytes | None]]:
        if options["due"]:
            services.fail_stale_runs()
            return [(run, None) for run in services.claim_due_feeds()]
        if options["feed"]:
            feed = Feed.objects.select_related("provider__organisation").filter(pk=options["feed"]).first()
            if feed is None:
                raise CommandError(_("There is no feed with id %(id)s.") % {"id": options["feed"]})
            return [(services.start_feed_run(feed=feed, dry_run=options["dry_run"]), None)]
        source = options["source"]
        if not (source and options["format"] and options["provider"]):
            raise CommandError(_("Give --format, --provider and a file or URL; or --feed ID; or --due."))
        provider = Provider.objects.select_related("organisation").filter(code=options["provider"]).first()
        if provider is None:
            known = ", ".join(selectors.provider_codes()) or "-"
            raise CommandError(
                _("Unknown provider “%(code)s”. Known: %(known)s.")
                % {"code": options["provider"], "known": known}
            )
        content = None
        if not source.startswith(("http://", "https://")):
            path = Path(source)
            if not path.is_file():
                raise CommandError(_("File not found: %(path)s") % {"path": source})
            content = path.read_bytes()
        run = services.start_run(
            provider=provider, format_name=options["format"], source=source, dry_run=options["dry_run"]
        )
        return [(run, content)]

    def _print(self, run: HarvestRun) -> None:
        title = _("Dry run (nothing written)") if run.dry_run else _("Harvest")
        self.stdout.write(f"{title}: {run.provider.name}, {run.source}")
        self.stdout.write(f"{_('Status')}: {run.get_status_display()}")
        if run.reason:
            self.stdout.write(f"{_('Reason')}: {run.reason}")
        if run.status == HarvestRun.Status.SUCCEEDED:
            self.stdout.write(services.report_line(run))
            if run.missing:
                self.stdout.write(
                    _("%(n)s missing from the feed, within the grace period") % {"n": run.missing}
                )
            for rejection in run.rejections:
                self.stdout.write(
                    f"  {_('rejected')}: {rejection['record']} [{rejection['field']}] {rejection['reason']}"
                )
            if run.rejected > len(run.rejections):
                self.stdout.write(_("  … and %(n)s more") % {"n": run.rejected - len(run.rejections)})
