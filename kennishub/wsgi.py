import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kennishub.settings.production")
application = get_wsgi_application()

# Import the URL configuration, and with it every view and what it needs (scikit-learn for the
# agenda's similarity engine takes over a second), while the worker boots, not while the first
# visitor of each worker waits.
get_resolver().resolve("/")
