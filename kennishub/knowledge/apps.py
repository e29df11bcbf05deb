from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "kennishub.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from kennishub.accounts import personal_data, roles
        from kennishub.core import audit

        from . import privacy, search_kind, signals, theme_sections

        signals.connect()
        search_kind.register()
        theme_sections.register()
        roles.grant(
            roles.EDITOR,
            "knowledge.add_programme",
            "knowledge.change_programme",
            "knowledge.view_programme",
            "search.add_synonym",
            "search.change_synonym",
            "search.delete_synonym",
            "search.view_synonym",
        )
        personal_data.register("kennisbank", export=privacy.export, erase=privacy.erase)
        audit.register_action("knowledge.practice.submitted", _("Good practice submitted"))
        audit.register_action("knowledge.product.validated", _("Knowledge product validated"))
        audit.register_action("knowledge.product.reviewed", _("Knowledge product marked as reviewed"))
        audit.register_action("knowledge.programme.archived", _("Programme archived"))
        audit.register_action("knowledge.digest.subscribed", _("Subscribed to the weekly digest"))
        audit.register_action("knowledge.digest.unsubscribed", _("Unsubscribed from the weekly digest"))
