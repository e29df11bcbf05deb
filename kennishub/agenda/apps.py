from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "kennishub.agenda"
    label = "agenda"
    verbose_name = _("Knowledge agenda")

    def ready(self):
        from kennishub.accounts import personal_data, roles
        from kennishub.core import theme_sections

        from . import search, selectors
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
        theme_sections.register(
            key="knowledge-agenda",
            title=_("Knowledge agenda"),
            order=40,
            items=selectors.theme_section_items,
        )
