"""Rebuild the front door search index from every registered kind (or the kinds named)."""

from django.core.management.base import BaseCommand, CommandError

from kennishub.search import indexing, registry, spelling


class Command(BaseCommand):
    help = "Rebuilds the front door search index (all kinds, or the kinds given)."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="Kinds to rebuild, e.g. kennisproduct thema.")
        parser.add_argument(
            "--spelling",
            action="store_true",
            help="Only count the words of the stored documents again (the vocabulary of spelling).",
        )

    def handle(self, *args, kinds, **options):
        if options.get("spelling"):
            words = spelling.recount()
            self.stdout.write(f"Woordenlijst voor spelling opnieuw geteld: {words} woorden.")
            return
        known = {kind.key for kind in registry.kinds()}
        unknown = sorted(set(kinds) - known)
        if unknown:
            raise CommandError(f"Onbekende soort: {', '.join(unknown)}. Bekend: {', '.join(sorted(known))}.")
        total = indexing.rebuild(keys=kinds or None)
        self.stdout.write(f"Zoekindex bijgewerkt: {total} documenten.")
