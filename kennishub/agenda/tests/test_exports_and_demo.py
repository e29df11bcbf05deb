import csv
import io
from io import StringIO

import pytest
from openpyxl import load_workbook

from kennishub.accounts import demo as accounts_demo
from kennishub.accounts.models import User
from kennishub.accounts.services import sync_roles
from kennishub.agenda import services
from kennishub.agenda.demo import CLUSTERS, DEMO_PREFIX, DEMO_SOURCE, load_demo
from kennishub.agenda.forms import JuryForm
from kennishub.agenda.models import Cluster, Criterion, Question, Route, Support
from kennishub.core.tests.factories import MunicipalityFactory, ThemeFactory

from .factories import ClusterFactory, CriterionFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda():
    cluster = ClusterFactory(published=True, title="=HYPERLINK(1)")
    QuestionFactory(cluster=cluster, text="Hoe bouwen we sneller?")
    QuestionFactory(cluster=ClusterFactory(), text="Niet gepubliceerd")
    return cluster


def test_csv_export_holds_published_questions_and_defuses_formulas(client, agenda):
    response = client.get("/kennisagenda/export.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Rang", "Clustervraag"]
    assert [row[6] for row in rows[1:]] == ["Hoe bouwen we sneller?"]
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_xlsx_export_opens_with_the_same_rows(client, agenda):
    response = client.get("/kennisagenda/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][6] == "Vraag" and values[1][6] == "Hoe bouwen we sneller?"
    assert len(values) == 2


def test_unknown_export_format_is_not_found(client):
    assert client.get("/kennisagenda/export.pdf").status_code == 404


def test_demo_loads_once_and_is_marked(db):
    load_demo(StringIO())
    count = Question.objects.count()
    load_demo(StringIO())

    assert count == Question.objects.count() > 0
    assert set(Question.objects.values_list("source", flat=True)) == {DEMO_SOURCE}
    assert all(c.title.startswith(DEMO_PREFIX) for c in Cluster.objects.all())


def test_every_demo_question_fits_its_demo_cluster(db):
    """One main theme per demo cluster, and the written cluster question as its title."""
    for label in ("zorg en gezondheid", "wonen", "natuur en milieu", "organisatie en bedrijfsvoering"):
        ThemeFactory(label=label)

    load_demo(StringIO())

    titles = {title for title, _description, _starts in CLUSTERS}
    clusters = Cluster.objects.prefetch_related("questions__themes")
    assert {c.title.removeprefix(DEMO_PREFIX) for c in clusters} == titles
    for cluster in clusters:
        themes = {theme.label for q in cluster.questions.all() for theme in q.themes.all()}
        assert len(themes) == 1, (cluster.title, themes)
    housing = Cluster.objects.get(title__contains="betaalbare woningen")
    assert not housing.questions.filter(text__icontains="jeugd").exists()
    assert all(c.is_published and c.status == Cluster.Status.ACCEPTED for c in clusters)


def test_demo_loaded_twice_adds_no_supports_clusters_or_routes(db):
    load_demo(StringIO())
    counts = (Support.objects.count(), Cluster.objects.count(), Route.objects.count())
    load_demo(StringIO())

    assert counts == (Support.objects.count(), Cluster.objects.count(), Route.objects.count())
    assert counts[0] > 0 and counts[1] == len(CLUSTERS)
    assert all(s.context.startswith("Demo:") for s in Support.objects.all())
    # Something is left for the broker: questions waiting for moderation and outside a cluster.
    assert Question.objects.filter(status=Question.Status.SUBMITTED).count() == 2
    assert Question.objects.filter(status=Question.Status.ACCEPTED, cluster__isnull=True).count() == 2


def test_demo_accounts_include_a_broker_and_a_juror_the_jury_form_offers(db):
    MunicipalityFactory(name="Utrecht")
    sync_roles()

    accounts_demo.load_demo(StringIO())

    juror = User.objects.get(email="demo-jurylid@kennishub.nl")
    broker = User.objects.get(email="demo-kennismakelaar@kennishub.nl")
    assert broker.has_perm("agenda.moderate_question") and broker.is_staff
    assert juror.has_perm("agenda.score_cluster") and not juror.is_staff  # the jury is no staff role
    assert list(JuryForm().fields["jurors"].queryset) == [juror]


def test_csv_export_writes_the_score_as_dutch_excel_reads_it_and_the_xlsx_as_a_number(
    client, agenda, juror, broker
):
    Criterion.objects.update(is_active=False)
    low, high = CriterionFactory(), CriterionFactory()
    services.set_jurors(cluster=agenda, jurors=[juror], actor=broker)
    services.score_cluster(
        cluster=agenda, juror=juror, scores={low.pk: (3, "Redelijk"), high.pk: (4, "Goed")}
    )
    agenda.themes.add(ThemeFactory(label="zorg en gezondheid"))

    csv_rows = list(
        csv.reader(
            io.StringIO(client.get("/kennisagenda/export.csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    sheet = load_workbook(io.BytesIO(client.get("/kennisagenda/export.xlsx").content)).active

    assert csv_rows[1][2] == "3,50"
    assert sheet.cell(row=2, column=3).value == 3.5
    assert csv_rows[1][8] == "Zorg en gezondheid"  # as on the agenda page
