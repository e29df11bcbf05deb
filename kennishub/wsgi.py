import importlib
import logging
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kennishub.settings.production")
application = get_wsgi_application()

# Import the URL configuration, and with it every view and what it needs (scikit-learn for the
# agenda's similarity engine takes over a second), while the worker boots, not while the first
# visitor of each worker waits.
get_resolver().resolve("/")

# Load the agenda's sentence encoder and its index of public questions the same way, and the search's
# spelling index (half a second at 100,000 words) for the first query without results.
for name, module in (("the agenda's similarity engine", "kennishub.agenda.similarity"),
                     ("the spelling suggestions", "kennishub.search.spelling")):  # fmt: skip
    try:
        importlib.import_module(module).warm_up()
    except Exception:  # a database not yet migrated, say: the first request does it instead
        logging.getLogger(__name__).warning("Warming up %s failed", name, exc_info=True)
