from pathlib import Path

import pytest

from .factories import PASSWORD, MemberFactory

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm install)")
    # evaluate() runs outside the page's CSP, so axe needs no inline script.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        "async () => (await axe.run()).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_logs_in_through_the_form_and_sees_verified_profile(live_server, page):
    from kennishub.accounts import services

    member = MemberFactory(email="lid@example.org", profile__verified=True, full_name="Lies Lid")
    services.sync_roles()

    page.goto(f"{live_server.url}/account/inloggen/")
    assert axe_violations(page) == []
    page.get_by_label("E-mailadres").fill("lid@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("#main").get_by_role("button", name="Inloggen").click()

    page.wait_for_url(f"{live_server.url}/account/profiel/")
    assert page.get_by_role("heading", level=1).inner_text() == "Uw account"
    assert f"u werkt bij {member.profile.municipality.name}" in page.content()
    assert axe_violations(page) == []
    page.locator("#main").get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_data_page_and_unverified_account_page_pass_axe(live_server, page):
    from kennishub.accounts import services

    from .factories import VerificationRequestFactory

    services.sync_roles()
    member = MemberFactory(email="lid@example.org", full_name="Lies Lid")
    VerificationRequestFactory(user=member, explanation="")

    page.goto(f"{live_server.url}/account/inloggen/")
    page.get_by_label("E-mailadres").fill("lid@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("#main").get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/account/profiel/")
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/account/mijn-gegevens/")
    assert page.get_by_role("heading", name="Verificatieverzoeken").count() == 0  # a term, not a heading
    assert page.get_by_role("term").filter(has_text="Verificatieverzoeken").count() == 1
    assert axe_violations(page) == []
