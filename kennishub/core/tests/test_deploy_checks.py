"""`manage.py check --deploy` refuses the laptop defaults that would leak into published output."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

# A production configuration that passes every check of ours.
READY = {
    "DEBUG": False,
    "SITE_URL": "https://kennishub.example.nl",
    "ALLOWED_HOSTS": ["kennishub.example.nl"],
    "KH_OPERATOR_NAME": "Vereniging van Gemeenten",
    "KH_CONTACT_EMAIL": "kennishub@example.nl",
    "DEFAULT_FROM_EMAIL": "Kennishub <noreply@example.nl>",
    "MAILERS": {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}},
}


def our_issues(**overrides) -> dict[str, checks.CheckMessage]:
    """The messages of the deploy checks tagged "kennishub", by id, under READY plus `overrides`."""
    with override_settings(**{**READY, **overrides}):
        messages = checks.run_checks(tags=["kennishub"], include_deployment_checks=True)
    return {message.id: message for message in messages}


def test_a_configured_production_passes():
    assert our_issues() == {}


@pytest.mark.parametrize(
    "site_url",
    [
        "http://127.0.0.1:8000",
        "https://localhost",
        "https://kennishub.localhost",
        "https://[::1]:8443",
        "https://0.0.0.0",
        "https://192.168.1.10",
        "kennishub.example.nl",  # no scheme: no host either
        "",
    ],
)
def test_a_local_or_missing_site_url_is_an_error(site_url):
    issue = our_issues(SITE_URL=site_url)["kennishub.E001"]

    assert issue.level == checks.ERROR
    assert "KH_SITE_URL" in issue.msg
    assert "KH_SITE_URL" in issue.hint


def test_a_public_site_url_without_https_is_an_error():
    issues = our_issues(SITE_URL="http://kennishub.example.nl")

    assert set(issues) == {"kennishub.E002"}
    assert issues["kennishub.E002"].level == checks.ERROR


@pytest.mark.parametrize("site_url", ["https://kennishub.example.nl/", "HTTPS://Kennishub.Example.NL"])
def test_a_trailing_slash_or_capitals_are_fine(site_url):
    assert our_issues(SITE_URL=site_url) == {}


def test_a_site_url_with_a_path_is_an_error():
    assert set(our_issues(SITE_URL="https://kennishub.example.nl/kennishub")) == {"kennishub.E003"}


def test_a_site_url_whose_host_is_not_allowed_is_a_warning():
    issues = our_issues(ALLOWED_HOSTS=["www.kennishub.example.nl"])

    assert set(issues) == {"kennishub.W001"}
    assert issues["kennishub.W001"].level == checks.WARNING
    assert our_issues(ALLOWED_HOSTS=[".example.nl"]) == {}
    assert our_issues(ALLOWED_HOSTS=["*"]) == {}


def test_an_empty_operator_name_is_an_error():
    issue = our_issues(KH_OPERATOR_NAME="  ")["kennishub.E004"]

    assert issue.level == checks.ERROR
    assert "[beheerder]" in issue.msg


@pytest.mark.parametrize("contact", ["", "kennishub", "mailto:"])
def test_an_empty_or_malformed_contact_address_is_an_error(contact):
    issue = our_issues(KH_CONTACT_EMAIL=contact)["kennishub.E005"]

    assert issue.level == checks.ERROR
    assert "KH_CONTACT_EMAIL" in issue.hint


@pytest.mark.parametrize("sender", ["Kennishub <noreply@kennishub.nl>", "NOREPLY@kennishub.nl"])
def test_the_default_sender_is_a_warning(sender):
    issue = our_issues(DEFAULT_FROM_EMAIL=sender)["kennishub.W002"]

    assert issue.level == checks.WARNING
    assert "DEFAULT_FROM_EMAIL" in issue.hint


def test_every_default_is_named_at_once():
    issues = our_issues(SITE_URL="http://127.0.0.1:8000", KH_OPERATOR_NAME="", KH_CONTACT_EMAIL="")
    assert {"kennishub.E001", "kennishub.E004", "kennishub.E005"} <= set(issues)


def test_with_debug_on_nothing_is_reported():
    """The demo and development (DEBUG on) run on these defaults on purpose."""
    laptop = {"SITE_URL": "http://127.0.0.1:8000", "KH_OPERATOR_NAME": "", "KH_CONTACT_EMAIL": ""}
    assert our_issues(DEBUG=True, **laptop) == {}


@pytest.mark.django_db  # a plain check also runs the database checks of other apps
def test_the_checks_run_only_as_deploy_checks():
    """A plain `manage.py check` (bin/test, migrate) stays quiet about them; `--deploy` fails."""
    defaults = {"SITE_URL": "http://127.0.0.1:8000", "KH_OPERATOR_NAME": "", "KH_CONTACT_EMAIL": ""}
    with override_settings(**{**READY, **defaults}):
        assert checks.run_checks(tags=["kennishub"]) == []
        call_command("check", fail_level="WARNING")
        with pytest.raises(SystemCheckError, match=r"kennishub\.E001"):
            call_command("check", deploy=True, tags=["kennishub"])


def test_a_check_that_does_not_apply_can_be_silenced():
    with override_settings(**READY, SILENCED_SYSTEM_CHECKS=["kennishub.W002"]):
        call_command("check", deploy=True, tags=["kennishub"], fail_level="WARNING")
