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

# Load the agenda's sentence encoder and its index of public questions the same way.
try:
    from kennishub.agenda.similarity import warm_up

    warm_up()
except Exception:  # a database not yet migrated, say: the first request does it instead
    logging.getLogger(__name__).warning("Warming up the agenda's similarity engine failed", exc_info=True)
