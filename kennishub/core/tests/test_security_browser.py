"""The Wagtail admin and the public site run under our CSP without being blocked."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Collection, Locale, Page, Site

ADMIN_PAGES = [
    "/beheer/",
    "/beheer/pages/",
    "/beheer/documents/",
    "/beheer/images/multiple/add/",
    "/beheer/users/",
]


def _wagtail_tree() -> None:
    """Transactional tests start from an empty database: give Wagtail its root page, site and collection."""
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    Site.objects.get_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": root})
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")


def _verified_staff_session() -> str:
    _wagtail_tree()
    user = get_user_model().objects.create_superuser(email="beheer@example.nl", password="x" * 16)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def _csp_violations(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_home_page_runs_without_csp_violations(live_server, page):
    violations = _csp_violations(page)

    response = page.goto(live_server.url + "/")
    page.wait_for_load_state("load")

    assert response.status == 200
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wagtail_admin_runs_under_the_csp_without_inline_scripts(live_server, page):
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": _verified_staff_session(), "url": live_server.url}]
    )
    violations = _csp_violations(page)

    for path in ADMIN_PAGES:
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert response.status == 200, path
        assert page.url == live_server.url + path  # not sent to the login page

    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chooser_widgets_work_under_the_admin_csp(live_server, page):
    """The document chooser of a product's "Bestanden en links" (a form added with the inline
    panel's button) and the programme chooser open their dialogs: Wagtail starts them with inline
    scripts, which the policy blocks (core/admin_choosers.py)."""
    from kennishub.knowledge import services as knowledge

    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": _verified_staff_session(), "url": live_server.url}]
    )
    index = knowledge.ensure_structure()
    violations = _csp_violations(page)

    page.goto(f"{live_server.url}/beheer/pages/add/knowledge/knowledgeproductpage/{index.pk}/")
    page.wait_for_load_state("load")
    page.locator("#id_programme-chooser [data-chooser-action-choose]").click()
    page.get_by_role("dialog").wait_for()
    page.reload()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Voeg Bestanden en links toe").click()
    page.locator("[id$='-document-chooser'] [data-chooser-action-choose]").first.click()

    page.get_by_role("dialog").wait_for()
    assert violations == []
