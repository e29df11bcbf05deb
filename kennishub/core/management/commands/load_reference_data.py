"""``manage.py load_reference_data``: load the real reference data (municipalities, themes, …)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kennishub.core.services import reference_data


class Command(BaseCommand):
    help = "Load provinces, municipalities, themes, roles, work fields and organisations from CSV files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=reference_data.DEFAULT_DATA_DIR,
            help="Folder with the CSV files (default: kennishub/core/data).",
        )

    def handle(self, *args, data_dir: Path, **options):
        self.stdout.write(_("Loading reference data from %(folder)s …") % {"folder": data_dir})
        try:
            report = reference_data.load_all(data_dir)
        except reference_data.ReferenceDataError as error:
            lines = [error.message, *(f"- {problem}" for problem in error.problems)]
            raise CommandError("\n".join(lines)) from error
        for counts in report.counts:
            self.stdout.write(
                _(
                    "%(label)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged,"
                    " %(deactivated)d marked inactive"
                )
                % {
                    "label": counts.label[:1].upper() + counts.label[1:],
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                    "deactivated": counts.deactivated,
                }
            )
        self.stdout.write(self.style.SUCCESS(_("Reference data loaded.")))
