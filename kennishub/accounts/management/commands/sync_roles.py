from django.core.management.base import BaseCommand

from kennishub.accounts import roles, services


class Command(BaseCommand):
    help = "Create or update the role groups (lid, redacteur, ...) with their declared permissions."

    def handle(self, *args, **options):
        missing = services.sync_roles()
        for name in roles.ROLES:
            self.stdout.write(f"- {name}")
        if missing:
            self.stderr.write(
                "Permissions not found (app not installed or not migrated?): " + ", ".join(missing)
            )
        self.stdout.write(self.style.SUCCESS(f"{len(roles.ROLES)} roles synced."))
