from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _


def _forget_rendered_layout(**_kwargs) -> None:
    from .templatetags.kh import forget_rendered

    forget_rendered()


class CoreConfig(AppConfig):
    name = "kennishub.core"
    label = "core"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        # The layout parts rendered once (templatetags/kh.py) may read settings: a test that
        # changes one gets them rendered afresh.
        setting_changed.connect(_forget_rendered_layout, dispatch_uid="kh-forget-rendered-layout")
        from . import admin_choosers, checks  # noqa: F401 (checks registers the deploy checks)

        admin_choosers.install()  # Wagtail's choosers without inline scripts (the admin's CSP)
