"""``manage.py encode_kennisvragen [--all]``: store the sentence encoders' vectors of the questions.

Run it after an upgrade that changes ``similarity.ENCODER_VERSION`` (the similarity index
re-encodes questions without current vectors in memory each time it is built, which is slow).
Questions whose stored vectors are current are skipped unless ``--all`` is given.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kennishub.agenda import services, similarity


class Command(BaseCommand):
    help = "Encode and store the similarity vectors of knowledge questions that lack current ones."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="everything", help="Re-encode every question.")

    def handle(self, *args, everything: bool, **options):
        if not similarity.encoder_enabled():
            self.stdout.write(_("The sentence encoders are switched off (KH_AGENDA_ENCODER); nothing to do."))
            return
        count = services.store_missing_embeddings(everything=everything)
        message = _("%(count)d question(s) encoded with %(model)s.")
        self.stdout.write(message % {"count": count, "model": similarity.ENCODER_VERSION})
