"""DEMO content for the knowledge agenda, loaded by ``manage.py load_demo_data``. Not for production.

Every demo question has ``source = "demo"`` and its context starts with "Demo:"; every demo cluster
question starts with "Demo" and an en dash, and every demo support's context with "Demo:". The
question texts come from the team-written evaluation set in bench/data/kennisvragen_eval.tsv.

The clusters are written out here instead of proposed by clustering.py, so every question fits
its cluster question whatever the engine proposes. The energy questions stay accepted outside a
cluster and the two on information security wait for moderation, to try those steps out.
Loading twice changes nothing.
"""

from django.db import transaction

from kennishub.accounts.models import Profile, User
from kennishub.core.models import Municipality, Organisation, Theme

from . import services, similarity
from .models import Cluster, Question, Support

DEMO_SOURCE = "demo"
DEMO_PREFIX = "Demo \N{EN DASH} "
DEMO_CONTEXT = "Demo: een voorbeeldvraag om Kennishub uit te proberen; geen echte vraag van deze gemeente."
DEMO_SUPPORT_CONTEXT = "Demo: een voorbeeld van steun; geen echte gemeente die dit zei."
# The demo member (kennishub/accounts/demo.py) works for Utrecht: its questions are theirs.
DEMO_MEMBER_EMAIL = "demo-lid@utrecht.nl"
DEMO_MEMBER_MUNICIPALITY = "GM0344"
ACCEPTED, SUBMITTED = Question.Status.ACCEPTED, Question.Status.SUBMITTED
CIVIL, ADMINISTRATIVE = Profile.RoleKind.CIVIL_SERVICE, Profile.RoleKind.ADMINISTRATIVE

# (question, theme label, municipality CBS code, role, status, supporters as (CBS code, role))
QUESTIONS = [
    (
        "Hoe kunnen we eenzaamheid onder ouderen in kleine kernen verminderen?",
        "zorg en gezondheid",
        "GM0344",
        CIVIL,
        ACCEPTED,
        [("GM1729", ADMINISTRATIVE), ("GM0096", CIVIL)],
    ),
    (
        "Welke rol kunnen vrijwilligers spelen bij het signaleren van eenzame ouderen?",
        "zorg en gezondheid",
        "GM0363",
        CIVIL,
        ACCEPTED,
        [],
    ),
    (
        "Hoe zetten we vrijwilligers in om eenzame 75-plussers op te sporen?",
        "zorg en gezondheid",
        "GM1895",
        ADMINISTRATIVE,
        ACCEPTED,
        [],
    ),
    (
        "Is eenzaamheid bij jongeren na corona structureel toegenomen?",
        "zorg en gezondheid",
        "GM0599",
        CIVIL,
        ACCEPTED,
        [],
    ),
    (
        "Hoe kunnen we de bouw van betaalbare huurwoningen versnellen?",
        "wonen",
        "GM0344",
        CIVIL,
        ACCEPTED,
        [("GM0193", CIVIL), ("GM0340", ADMINISTRATIVE)],
    ),
    (
        "Welke afspraken met corporaties leveren de meeste nieuwe woningen op?",
        "wonen",
        "GM0363",
        CIVIL,
        ACCEPTED,
        [],
    ),
    (
        "Hoe voorkomen we dat nieuwbouwwoningen door beleggers worden opgekocht?",
        "wonen",
        "GM0599",
        ADMINISTRATIVE,
        ACCEPTED,
        [],
    ),
    (
        "Waardoor stijgen de kosten van de jeugdzorg zo sterk?",
        "zorg en gezondheid",
        "GM0344",
        CIVIL,
        ACCEPTED,
        [("GM0200", ADMINISTRATIVE)],
    ),
    (
        "Hoe verkorten we de wachtlijsten voor specialistische jeugd-ggz?",
        "zorg en gezondheid",
        "GM0363",
        CIVIL,
        ACCEPTED,
        [],
    ),
    (
        "Hoe krijgen we draagvlak bij bewoners voor een aardgasvrije wijk?",
        "natuur en milieu",
        "GM0518",
        CIVIL,
        ACCEPTED,
        [],
    ),
    (
        "Welke warmtebron is het goedkoopst voor een jaren-zestigwijk met portiekflats?",
        "natuur en milieu",
        "GM0184",
        CIVIL,
        ACCEPTED,
        [],
    ),
    (
        "Hoe bereiden we ons voor op een ransomware-aanval op de gemeente?",
        "organisatie en bedrijfsvoering",
        "GM0344",
        CIVIL,
        SUBMITTED,
        [("GM0184", CIVIL), ("GM1680", CIVIL), ("GM1680", ADMINISTRATIVE)],
    ),
    (
        "Hoe maken we medewerkers bewust van phishing?",
        "organisatie en bedrijfsvoering",
        "GM0599",
        CIVIL,
        SUBMITTED,
        [],
    ),
]

# (cluster question, explanation, the first words of its questions); the first cluster is routed.
CLUSTERS = [
    (
        "Hoe houden we de jeugdzorg betaalbaar en snel bereikbaar?",
        "Kosten van de jeugdzorg en wachtlijsten in de specialistische jeugd-ggz.",
        ["Waardoor stijgen de kosten van de jeugdzorg", "Hoe verkorten we de wachtlijsten"],
    ),
    (
        "Hoe signaleren en verminderen we eenzaamheid onder jong en oud?",
        "Eenzaamheid onder ouderen en jongeren, en de rol van vrijwilligers bij het signaleren.",
        [
            "Hoe kunnen we eenzaamheid onder ouderen",
            "Welke rol kunnen vrijwilligers",
            "Hoe zetten we vrijwilligers in",
            "Is eenzaamheid bij jongeren",
        ],
    ),
    (
        "Hoe komen er sneller meer betaalbare woningen bij?",
        "Bouwtempo, afspraken met corporaties en het weren van beleggers bij nieuwbouw.",
        [
            "Hoe kunnen we de bouw van betaalbare huurwoningen",
            "Welke afspraken met corporaties",
            "Hoe voorkomen we dat nieuwbouwwoningen",
        ],
    ),
]


@transaction.atomic
def load_demo(stdout) -> None:
    if Question.objects.filter(source=DEMO_SOURCE).exists():
        stdout.write("Kennisagenda: demo-inhoud was al geladen.")
        return
    themes = {theme.label: theme for theme in Theme.objects.top_level()}
    codes = {q[2] for q in QUESTIONS} | {code for q in QUESTIONS for code, _role in q[5]}
    places = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
    member = User.objects.filter(email=DEMO_MEMBER_EMAIL).first()
    created: dict[str, Question] = {}
    for text, theme, code, role, status, supporters in QUESTIONS:
        question = Question.objects.create(
            text=text,
            context=DEMO_CONTEXT,
            municipality=places.get(code),
            role_kind=role,
            status=status,
            source=DEMO_SOURCE,
            asker=member if code == DEMO_MEMBER_MUNICIPALITY else None,
            embedding=similarity.embedding_bytes(text),
            embedding_model=similarity.embedding_model(),
        )
        if theme in themes:
            question.themes.set([themes[theme]])
        # Supports without a member: demo gemeenten have no demo accounts.
        Support.objects.bulk_create(
            Support(
                question=question,
                municipality=places.get(place),
                role_kind=kind,
                context=DEMO_SUPPORT_CONTEXT,
            )
            for place, kind in supporters
        )
        created[text] = question
    clusters = [_demo_cluster(title, description, starts, created) for title, description, starts in CLUSTERS]
    zonmw = Organisation.objects.filter(slug="zonmw").first()
    if zonmw is not None:
        services.route_cluster(cluster=clusters[0], funder=zonmw, actor=None, note="Demo")
    stdout.write(
        f"Kennisagenda: {len(created)} demo-vragen, {len(clusters)} gepubliceerde demo-clusters "
        f"(vragen met bron 'demo', clusters beginnend met '{DEMO_PREFIX.strip()}')."
    )


def _demo_cluster(title: str, description: str, starts: list[str], questions: dict[str, Question]) -> Cluster:
    """An accepted and published demo cluster of the questions whose text begins with one of `starts`."""
    members = [q for text, q in questions.items() if any(text.startswith(start) for start in starts)]
    if len(members) != len(starts):  # a question renamed above without its cluster: fail loudly
        raise ValueError(f"Demo cluster {title!r}: {len(members)} questions for {len(starts)} beginnings.")
    cluster = Cluster.objects.create(title=DEMO_PREFIX + title)
    Question.objects.filter(pk__in=[q.pk for q in members]).update(cluster=cluster)
    themes = {theme for q in members for theme in q.themes.all()}
    services.accept_cluster(
        cluster=cluster, actor=None, title=DEMO_PREFIX + title, description=description, themes=themes
    )
    return services.publish_cluster(cluster=cluster, actor=None)
