"""Test settings: PostgreSQL on 127.0.0.1 (database ``test``), fast hashing, tasks run at once."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, configure_database, env

DATABASES["default"] = configure_database(
    env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/test")
)
# Close after each request: a browser test's live-server threads must not keep connections to the
# test database open past its teardown.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["TEST"] = {"NAME": env.str("KH_TEST_DATABASE", default="test_kennishub")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
