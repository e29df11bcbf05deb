"""``manage.py import_kennisvragen FILE.csv``: bring an existing agenda in as accepted questions.

The columns are documented in kennishub/agenda/importing.py. Every row is checked first; with
any bad row nothing is written and each problem is printed as "regel N, kolom X: reden".
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kennishub.agenda import importing, services


class Command(BaseCommand):
    help = "Import knowledge questions from a CSV file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Only check the file.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from error
        try:
            records, rejections = importing.parse_questions(data)
        except importing.FileRefused as error:
            raise CommandError(error.reason) from error
        if rejections:
            for rejection in rejections:
                self.stderr.write(
                    _("%(record)s, column %(field)s: %(reason)s")
                    % {"record": rejection.record, "field": rejection.field, "reason": rejection.reason}
                )
            raise CommandError(
                _("%(count)d problem(s) found; nothing has been imported.") % {"count": len(rejections)}
            )
        if dry_run:
            self.stdout.write(
                _("%(count)d question(s) are correct; nothing written (dry run).") % {"count": len(records)}
            )
            return
        created = services.import_questions(records=records, source=f"import: {file.name}")
        self.stdout.write(self.style.SUCCESS(_("%(count)d question(s) imported.") % {"count": len(created)}))
