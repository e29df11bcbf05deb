import pytest

from kennishub.agenda import services

from .factories import ClusterFactory, QuestionFactory, SupportFactory

pytestmark = pytest.mark.django_db


def test_kennisvragen_lists_only_public_questions_without_names(client):
    public = QuestionFactory(text="Hoe houden we dorpen leefbaar?")
    SupportFactory(question=public)
    QuestionFactory(submitted=True)

    data = client.get("/api/v1/kennisvragen").json()

    assert [item["nummer"] for item in data["results"]] == [public.pk]
    item = data["results"][0]
    assert item["tekst"] == "Hoe houden we dorpen leefbaar?"
    assert item["aantalSteunbetuigingen"] == 1
    assert item["gemeente"]["code"] == public.municipality.code
    assert public.asker.email not in str(data)


def test_vergelijkbaar_returns_similar_questions_with_scores(client):
    same = QuestionFactory(text="Hoe versnellen we de bouw van betaalbare huurwoningen?")
    QuestionFactory(text="Hoe pakken we overlast van hanggroepen aan?")

    response = client.get(
        "/api/v1/kennisvragen/vergelijkbaar", {"tekst": "Hoe bouwen we sneller betaalbare huurwoningen?"}
    )

    assert response.status_code == 200
    results = response.json()
    assert results[0]["vraag"]["nummer"] == same.pk
    assert 0 < results[0]["score"] <= 1 and results[0]["waarschijnlijkDubbel"] is True
    assert len(results) == 1


def test_vergelijkbaar_compares_no_more_than_a_question_can_hold(client):
    start = "Hoe bouwen we sneller betaalbare huurwoningen voor starters en ouderen in kleine kernen? "
    QuestionFactory(text=start.strip())
    QuestionFactory(text="Hoe pakken we overlast van hanggroepen aan?")
    text = (start + "Daarbij spelen grondprijzen, stikstof en personeelstekorten een rol. " * 20)[:1500]

    whole = client.get("/api/v1/kennisvragen/vergelijkbaar", {"tekst": text})
    head = client.get("/api/v1/kennisvragen/vergelijkbaar", {"tekst": text[:300]})

    assert whole.status_code == 200 and whole.json() == head.json() != []


def test_vergelijkbaar_without_text_is_a_problem_naming_the_parameter(client):
    response = client.get("/api/v1/kennisvragen/vergelijkbaar")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["invalidParams"][0]["name"] == "tekst"


@pytest.mark.parametrize("aantal", ["", "0", "21", "vijf"])
def test_vergelijkbaar_refuses_an_empty_or_out_of_range_number(client, aantal):
    response = client.get("/api/v1/kennisvragen/vergelijkbaar", {"tekst": "jeugdzorg", "aantal": aantal})

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "aantal"


def test_clusters_lists_only_published_clusters_with_their_questions(client, broker):
    published = ClusterFactory(published=True, title="Hoe bouwen we sneller?")
    question = QuestionFactory(cluster=published)
    ClusterFactory(title="Nog niet openbaar")

    data = client.get("/api/v1/clusters").json()

    assert [c["clustervraag"] for c in data["results"]] == ["Hoe bouwen we sneller?"]
    cluster = data["results"][0]
    assert [q["nummer"] for q in cluster["vragen"]] == [question.pk]
    assert cluster["aantalGemeenten"] == 1 and cluster["gewogenScore"] is None
    detail = client.get(f"/api/v1/kennisvragen/{question.pk}").json()
    assert detail["cluster"].endswith(f"/api/v1/clusters/{published.pk}")
    services.merge_questions(source=question, target=QuestionFactory(), actor=broker)
    assert client.get(f"/api/v1/kennisvragen/{question.pk}").status_code == 404


def test_vergelijkbaar_refuses_a_repeated_text_instead_of_using_the_last(client):
    response = client.get("/api/v1/kennisvragen/vergelijkbaar", {"tekst": ["jeugdzorg", "woningbouw"]})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["invalidParams"] == [
        {"name": "tekst", "code": "repeated", "reason": "Geef deze parameter maar één keer mee."}
    ]


@pytest.mark.parametrize("path", ["/api/v1/kennisvragen", "/api/v1/clusters"])
def test_well_formed_but_unknown_theme_finds_nothing_like_elsewhere_in_the_api(client, path):
    # Same rule as /gemeenten?provincie=PV99 (kennishub/api/tests/test_conventions.py): a code that
    # matches no theme filters to an empty list; only a malformed or empty value is a 400.
    QuestionFactory(cluster=ClusterFactory(published=True))

    response = client.get(path, {"thema": "bestaat-niet"})

    assert response.status_code == 200
    assert response.json()["count"] == 0
