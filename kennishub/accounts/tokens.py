"""Signed, expiring links that confirm an e-mail address.

The payload names the account, the address and what confirming it does. Because the link arrives
at that address, following it proves the member can read mail there.
"""

from django.conf import settings
from django.core import signing

SALT = "kennishub.accounts.email-confirmation"

PURPOSE_LOGIN = "login"  # the login address of the account
PURPOSE_WORK = "work"  # a work address that verifies the link to a municipality


def max_age() -> int:
    return getattr(settings, "ACCOUNTS_EMAIL_TOKEN_MAX_AGE", 3 * 24 * 3600)


def make_email_token(*, user_id: int, email: str, purpose: str, municipality_id: int | None = None) -> str:
    payload = {"u": user_id, "e": email, "p": purpose, "m": municipality_id}
    return signing.dumps(payload, salt=SALT, compress=True)


def read_email_token(token: str) -> dict:
    """The payload of a valid token; raises signing.BadSignature (or SignatureExpired)."""
    payload = signing.loads(token, salt=SALT, max_age=max_age())
    if not isinstance(payload, dict) or payload.get("p") not in (PURPOSE_LOGIN, PURPOSE_WORK):
        raise signing.BadSignature("unknown token")
    return payload
