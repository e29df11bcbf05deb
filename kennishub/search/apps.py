from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "kennishub.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from . import core_kinds, indexing

        indexing.connect_signals()
        core_kinds.register()
