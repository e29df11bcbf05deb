from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "kennishub.catalogue"
    label = "catalogue"
    verbose_name = _("Courses and training")

    def ready(self):
        from kennishub.accounts import personal_data, roles
        from kennishub.core import theme_sections

        from . import privacy, search, selectors

        # A provider sees the reports of its own feeds and may test a feed (a dry run); which
        # provider is its own is decided per object in selectors.providers_of (Provider.members).
        roles.grant(roles.PROVIDER, "catalogue.view_harvestrun", "catalogue.dry_run_harvest")
        roles.grant(
            roles.ADMINISTRATOR,
            "catalogue.view_harvestrun",
            "catalogue.dry_run_harvest",
            "catalogue.run_harvest",
            "catalogue.view_interest",
            "catalogue.view_provider",
            "catalogue.change_provider",
            "catalogue.add_feed",
            "catalogue.change_feed",
            "catalogue.view_feed",
            "catalogue.change_course",
        )
        roles.grant(roles.EDITOR, "catalogue.view_interest")
        roles.grant(roles.KNOWLEDGE_BROKER, "catalogue.view_interest")
        personal_data.register(
            "course_interests", export=privacy.export_interests, erase=privacy.erase_interests
        )
        search.register()
        theme_sections.register(
            key="courses",
            title=_("Courses and training"),
            order=20,
            items=selectors.theme_section_items,
            more_url=selectors.theme_more_url,
        )
