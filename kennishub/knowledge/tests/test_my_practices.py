"""A member follows what became of the practices they submitted, on "Mijn praktijkvoorbeelden"."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState

from kennishub.accounts import roles
from kennishub.accounts.tests.factories import MemberFactory, UserFactory
from kennishub.core.tests.factories import MunicipalityFactory, ThemeFactory
from kennishub.knowledge import services
from kennishub.knowledge.models import KnowledgeProductPage

URL = reverse("knowledge:my_practices")


def _submit(member, title="Buurtbudget in Zwolle-Zuid") -> KnowledgeProductPage:
    return services.submit_practice(
        member=member,
        title=title,
        summary="Bewoners beslissen zelf over een budget voor hun buurt.",
        description="We begonnen met drie buurten.",
        results="",
        municipalities=[MunicipalityFactory()],
        themes=[ThemeFactory()],
        contact_consent=False,
    )


def _task_state(page):
    return WorkflowState.objects.for_instance(page).get().current_task_state


@pytest.fixture
def member(client):
    user = MemberFactory(profile__verified=True)
    client.force_login(user)
    return user


@pytest.fixture
def editor():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def _row(html: str, title: str) -> str:
    """The table row of the practice titled `title`."""
    start = html.rindex("<tr", 0, html.index(title))
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
def test_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/account/" in response["Location"]


@pytest.mark.django_db
def test_without_submissions_the_page_says_so_and_links_to_the_form(client, member):
    html = client.get(URL).content.decode()
    assert "U heeft nog geen praktijkvoorbeeld ingediend." in html
    assert f'href="{reverse("knowledge:submit_practice")}"' in html
    assert "<table" not in html


@pytest.mark.django_db
def test_a_submitted_practice_is_being_reviewed(client, member):
    _submit(member)

    html = client.get(URL).content.decode()

    assert "<caption" in html and 'scope="row"' in html
    row = _row(html, "Buurtbudget in Zwolle-Zuid")
    assert "Wordt beoordeeld door de redactie" in row
    assert "<a " not in row  # nothing public to link to yet


@pytest.mark.django_db
def test_an_approved_practice_is_published_with_its_link(client, member, editor):
    page = _submit(member)

    _task_state(page).approve(user=editor)

    page.refresh_from_db()
    row = _row(client.get(URL).content.decode(), "Buurtbudget in Zwolle-Zuid")
    assert "Gepubliceerd" in row
    assert f'href="{page.url}"' in row
    assert client.get(page.url).status_code == 200


@pytest.mark.django_db
def test_a_rejected_practice_is_not_published_and_shows_the_editors_comment(client, member, editor):
    page = _submit(member)

    _task_state(page).reject(user=editor, comment="Voeg de resultaten in cijfers toe.")

    row = _row(client.get(URL).content.decode(), "Buurtbudget in Zwolle-Zuid")
    assert "Niet gepubliceerd" in row
    assert "Voeg de resultaten in cijfers toe." in row
    assert "<a " not in row


@pytest.mark.django_db
def test_another_members_submissions_are_not_shown(client, member):
    _submit(MemberFactory(profile__verified=True), title="Wijkteam van een ander")
    _submit(member, title="Mijn eigen voorbeeld")

    html = client.get(URL).content.decode()

    assert "Mijn eigen voorbeeld" in html
    assert "Wijkteam van een ander" not in html


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_number_of_practices(
    client, member, editor, django_assert_max_num_queries
):
    published, rejected = _submit(member, title="Eerste"), _submit(member, title="Tweede")
    _submit(member, title="Derde")
    _task_state(published).approve(user=editor)
    _task_state(rejected).reject(user=editor, comment="Graag cijfers.")
    client.get(URL)  # warm the caches that live longer than one request (site, content types)

    # session, user, the practices with their status (one query), the site for the page links
    with django_assert_max_num_queries(4):
        response = client.get(URL)

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_account_page_and_the_confirmation_link_to_the_overview(client, member):
    assert f'href="{URL}"' in client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{URL}"' in client.get(reverse("knowledge:practice_submitted")).content.decode()


@pytest.mark.django_db
def test_an_unverified_member_has_no_link_on_the_account_page(client):
    client.force_login(MemberFactory())
    assert f'href="{URL}"' not in client.get(reverse("accounts:profile")).content.decode()
