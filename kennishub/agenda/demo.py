"""DEMO content for the knowledge agenda, loaded by ``manage.py load_demo_data``. Not for production.

Every demo question has ``source = "demo"`` and its context starts with "Demo:"; every demo cluster
question starts with "Demo" and an en dash. The question texts come from the team-written evaluation set in
bench/data/kennisvragen_eval.tsv. Loading twice changes nothing.
"""

from django.db import transaction

from kennishub.accounts.models import User
from kennishub.core.models import Municipality, Organisation, Theme

from . import services, similarity
from .models import Cluster, Question

DEMO_SOURCE = "demo"
DEMO_PREFIX = "Demo \N{EN DASH} "
DEMO_CONTEXT = "Demo: een voorbeeldvraag om Kennishub uit te proberen; geen echte vraag van deze gemeente."

# (question, theme label, municipality CBS code, status)
QUESTIONS = [
    (
        "Hoe kunnen we eenzaamheid onder ouderen in kleine kernen verminderen?",
        "zorg en gezondheid",
        "GM0344",
        "geaccepteerd",
    ),
    (
        "Welke rol kunnen vrijwilligers spelen bij het signaleren van eenzame ouderen?",
        "zorg en gezondheid",
        "GM0363",
        "geaccepteerd",
    ),
    (
        "Hoe zetten we vrijwilligers in om eenzame 75-plussers op te sporen?",
        "zorg en gezondheid",
        "GM0518",
        "geaccepteerd",
    ),
    (
        "Is eenzaamheid bij jongeren na corona structureel toegenomen?",
        "zorg en gezondheid",
        "GM0599",
        "geaccepteerd",
    ),
    ("Hoe kunnen we de bouw van betaalbare huurwoningen versnellen?", "wonen", "GM0344", "geaccepteerd"),
    (
        "Welke afspraken met corporaties leveren de meeste nieuwe woningen op?",
        "wonen",
        "GM0363",
        "geaccepteerd",
    ),
    (
        "Hoe voorkomen we dat nieuwbouwwoningen door beleggers worden opgekocht?",
        "wonen",
        "GM0599",
        "geaccepteerd",
    ),
    ("Hoe krijgen we draagvlak bij bewoners voor een aardgasvrije wijk?", "wonen", "GM0518", "geaccepteerd"),
    ("Waardoor stijgen de kosten van de jeugdzorg zo sterk?", "zorg en gezondheid", "GM0344", "geaccepteerd"),
    (
        "Hoe verkorten we de wachtlijsten voor specialistische jeugd-ggz?",
        "zorg en gezondheid",
        "GM0363",
        "geaccepteerd",
    ),
    ("Hoe bereiden we ons voor op een ransomware-aanval op de gemeente?", "", "GM0518", "ingediend"),
    ("Hoe maken we medewerkers bewust van phishing?", "", "GM0599", "ingediend"),
]


@transaction.atomic
def load_demo(stdout) -> None:
    if Question.objects.filter(source=DEMO_SOURCE).exists():
        stdout.write("Kennisagenda: demo-inhoud was al geladen.")
        return
    themes = {theme.label: theme for theme in Theme.objects.top_level()}
    places = {m.code: m for m in Municipality.objects.filter(code__in={q[2] for q in QUESTIONS})}
    member = User.objects.filter(email="demo-lid@utrecht.nl").first()
    created = []
    for text, theme, code, status in QUESTIONS:
        question = Question.objects.create(
            text=text,
            context=DEMO_CONTEXT,
            municipality=places.get(code),
            role_kind="ambtelijk",
            status=status,
            source=DEMO_SOURCE,
            asker=member if code == "GM0344" else None,
            embedding=similarity.embedding_bytes(text),
            embedding_model=similarity.embedding_model(),
        )
        if theme in themes:
            question.themes.set([themes[theme]])
        created.append(question)
    clusters = services.propose_clusters(actor=None)
    published = 0
    zonmw = Organisation.objects.filter(slug="zonmw").first()
    for cluster in clusters:
        services.accept_cluster(cluster=cluster, actor=None, title=DEMO_PREFIX + cluster.title)
        services.publish_cluster(cluster=cluster, actor=None)
        published += 1
    first = Cluster.objects.filter(pk__in=[c.pk for c in clusters]).order_by("id").first()
    if first is not None and zonmw is not None:
        services.route_cluster(cluster=first, funder=zonmw, actor=None, note="Demo")
    stdout.write(
        f"Kennisagenda: {len(created)} demo-vragen, {published} gepubliceerde demo-clusters "
        f"(vragen met bron 'demo', clusters beginnend met '{DEMO_PREFIX.strip()}')."
    )
