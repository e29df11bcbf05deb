"""Errors that services raise when a rule of the domain is broken.

Views turn a DomainError into a message or a form error; the API turns it into
``application/problem+json``. The message is written in English through gettext and shown in Dutch.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A broken rule of the domain, with a stable `code` and a message for people (Dutch)."""

    code: str = "domain-error"
    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | None = None, *, code: str | None = None):
        self.message = str(message if message is not None else self.default_message)
        if code is not None:
            self.code = code
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
