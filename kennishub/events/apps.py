from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "kennishub.events"
    label = "events"
    verbose_name = _("Knowledge sessions")

    def ready(self):
        from kennishub.accounts import personal_data, roles
        from kennishub.core import theme_sections

        from . import privacy, search_kind, selectors

        roles.grant(
            roles.ORGANISER,
            "events.add_session",
            "events.change_session",
            "events.view_session",
            "events.view_registration",
            "events.manage_participants",
        )
        roles.grant(roles.ADMINISTRATOR, "events.manage_participants", "events.view_registration")
        personal_data.register(
            "event_registrations", export=privacy.export_registrations, erase=privacy.erase_registrations
        )
        search_kind.register()
        theme_sections.register(
            key="events",
            title=_("Knowledge sessions"),
            order=30,
            items=selectors.theme_section_items,
            more_url=selectors.theme_more_url,
        )
