"""``manage.py load_demo_data``: load DEMO content, for trying the site out. Never on production data.

Every app under ``kennishub.`` may have a ``demo.py`` module with a function ``load_demo(stdout)``
that creates its demo rows idempotently. This command finds and calls them in the order of
INSTALLED_APPS, so an app's demo can build on the demo of an app listed before it.
"""

from collections.abc import Iterable
from importlib import import_module

from django.apps import AppConfig, apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _


def demo_modules(app_configs: Iterable[AppConfig] | None = None):
    """The ``demo`` modules of our installed apps, in the order of INSTALLED_APPS."""
    for app_config in apps.get_app_configs() if app_configs is None else app_configs:
        if not app_config.name.startswith("kennishub."):
            continue
        if module_has_submodule(app_config.module, "demo"):
            module = import_module(f"{app_config.name}.demo")
            if callable(getattr(module, "load_demo", None)):
                yield app_config, module


class Command(BaseCommand):
    help = "Load DEMO content (demo accounts, example pages). Not real data; never use on production."

    def handle(self, *args, **options):
        self.stdout.write(self.style.WARNING(_("DEMO content is being loaded. It is not real data.")))
        found = 0
        with transaction.atomic():
            for app_config, module in demo_modules():
                self.stdout.write(_("Demo content of %(app)s …") % {"app": app_config.verbose_name})
                module.load_demo(self.stdout)
                found += 1
        if not found:
            self.stdout.write(_("No app has demo content."))
        self.stdout.write(self.style.SUCCESS(_("DEMO content loaded.")))
