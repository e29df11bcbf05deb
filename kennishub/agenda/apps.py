from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "kennishub.agenda"
    label = "agenda"
    verbose_name = _("Knowledge agenda")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from kennishub.accounts import personal_data, roles
        from kennishub.core import theme_sections

        from . import search, selectors, similarity
        from .models import Question
        from .personal_data import erase_agenda_data, export_agenda_data

        roles.grant(
            roles.KNOWLEDGE_BROKER,
            "agenda.moderate_question",
            "agenda.manage_cluster",
            "agenda.add_criterion",
            "agenda.change_criterion",
            "agenda.delete_criterion",
            "agenda.view_criterion",
            "agenda.add_programme",
            "agenda.change_programme",
            "agenda.delete_programme",
            "agenda.view_programme",
        )
        roles.grant(roles.JURY_MEMBER, "agenda.score_cluster")
        personal_data.register("knowledge_agenda", export=export_agenda_data, erase=erase_agenda_data)
        search.register()
        # A question saved or deleted here: the similarity index checks the database next time.
        for signal in (post_save, post_delete):
            signal.connect(
                similarity.expire_signature, sender=Question, dispatch_uid=f"agenda-index-{signal}"
            )
        theme_sections.register(
            key="knowledge-agenda",
            title=_("Knowledge agenda"),
            order=40,
            items=selectors.theme_section_items,
        )
