"""Settings for the benchmark server: production-like, but plain HTTP on 127.0.0.1 and no throttling.

Differs from ``kennishub.settings.production`` only where a local measurement needs it: no SSL
redirect or HSTS (no TLS here), API throttling off (it would answer 429 to the load generator),
static files without a manifest (the benchmark does not depend on a front-end build), and one
extra URL: ``/bench/ok/``, the trivial view that is the baseline.
"""

from kennishub.settings.base import *  # noqa: F403
from kennishub.settings.base import REST_FRAMEWORK

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
