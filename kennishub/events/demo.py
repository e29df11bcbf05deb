"""DEMO knowledge sessions for trying Kennishub out. Loaded only by ``manage.py load_demo_data``.

Every demo session is marked: its title starts with "Demo" and a dash, and its slug with "demo-".
They are not real events. Idempotent: loading again updates them.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kennishub.accounts.models import User
from kennishub.core.exceptions import DomainError
from kennishub.core.models import Organisation, Theme

from . import services
from .models import Material, Registration, Session, SessionDate, Speaker

DEMO_PREFIX = "Demo \N{EN DASH} "

SESSIONS = [
    {
        "slug": "demo-omgevingswet-in-de-praktijk",
        "title": "Omgevingswet in de praktijk",
        "kind": Session.Kind.KNOWLEDGE_SESSION,
        "format": Session.Format.PHYSICAL,
        "days": 10,
        "capacity_physical": 40,
        "for_administrators": True,
        "max_per_municipality": 3,
        "theme_words": ["ruimte", "omgeving"],
    },
    {
        "slug": "demo-webinar-jeugdzorg",
        "title": "Webinar: regie op de jeugdzorg",
        "kind": Session.Kind.WEBINAR,
        "format": Session.Format.HYBRID,
        "days": 21,
        "capacity_physical": 2,
        "capacity_online": 200,
        "allow_guests": True,
        "theme_words": ["jeugd", "zorg"],
    },
    {
        "slug": "demo-werkbijeenkomst-griffiers",
        "title": "Werkbijeenkomst voor griffiers: de raad en de begroting",
        "kind": Session.Kind.WORKSHOP,
        "format": Session.Format.PHYSICAL,
        "days": 35,
        "capacity_physical": 1,
        "for_administrators": True,
        "for_civil_servants": False,
        "theme_words": ["financi", "bestuur"],
    },
    {
        "slug": "demo-terugblik-digitale-weerbaarheid",
        "title": "Digitale weerbaarheid voor bestuurders",
        "kind": Session.Kind.KNOWLEDGE_SESSION,
        "format": Session.Format.ONLINE,
        "days": -14,
        "capacity_online": 100,
        "for_administrators": True,
        "theme_words": ["digita", "veilig"],
    },
]


def _themes(words: list[str]) -> list[Theme]:
    themes = []
    for word in words:
        theme = Theme.objects.active().filter(label__icontains=word).order_by("parent_id", "label").first()
        if theme:
            themes.append(theme)
    return themes


@transaction.atomic
def load_demo(stdout) -> None:
    """Create or update the demo sessions, with a registration of the demo member where useful."""
    organiser = Organisation.objects.filter(kind=Organisation.Kind.ACADEMY).order_by("name").first()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    member = User.objects.filter(email="demo-lid@utrecht.nl").first()
    stdout.write("\n=== DEMO knowledge sessions — not real events ===\n")
    for spec in SESSIONS:
        start = (now + timedelta(days=spec["days"])).replace(hour=14)
        session = Session.objects.filter(slug=spec["slug"]).first() or Session(slug=spec["slug"])
        session.title = DEMO_PREFIX + spec["title"]
        session.kind = spec["kind"]
        session.format = spec["format"]
        session.summary = "Demo-inhoud om Kennishub uit te proberen. Dit is geen echte bijeenkomst."
        session.description = (
            "Deze kennissessie is voorbeeldinhoud (demo). Gemeenten delen ervaringen, onderzoekers "
            "lichten recente inzichten toe en u gaat met collega's in gesprek."
        )
        session.location = "" if spec["format"] == Session.Format.ONLINE else "Nassaulaan 12, Den Haag (demo)"
        session.online_url = (
            "" if spec["format"] == Session.Format.PHYSICAL else "https://example.org/demo-webinar"
        )
        session.capacity_physical = spec.get("capacity_physical", 0)
        session.capacity_online = spec.get("capacity_online", 0)
        session.for_administrators = spec.get("for_administrators", False)
        session.for_civil_servants = spec.get("for_civil_servants", True)
        session.max_per_municipality = spec.get("max_per_municipality")
        session.allow_guests = spec.get("allow_guests", False)
        session.organiser = organiser
        session.programme = "Demoprogramma"
        session.status = Session.Status.PUBLISHED
        session.save()
        SessionDate.objects.filter(session=session).delete()
        SessionDate.objects.create(session=session, starts_at=start, ends_at=start + timedelta(hours=2))
        session.save()  # recompute starts_at and ends_at from the date
        session.themes.set(_themes(spec["theme_words"]))
        Speaker.objects.filter(session=session).delete()
        Speaker.objects.create(
            session=session, name=DEMO_PREFIX + "spreker", description="Onderzoeker (demo)"
        )
        if spec["days"] < 0:
            Material.objects.get_or_create(
                session=session,
                title="Opname (demo)",
                defaults={
                    "kind": Material.Kind.RECORDING,
                    "url": "https://example.org/demo-opname",
                    "visibility": Material.Visibility.EVERYONE,
                },
            )
        stdout.write(f"  {session.title}: /kennissessies/{session.slug}/\n")

    # The demo member is an ambtenaar: registered for a session open to civil servants (the
    # griffiers' session is for administrators only and would refuse them).
    webinar = Session.objects.get(slug="demo-webinar-jeugdzorg")
    if member is not None and not webinar.registrations.filter(email=member.email).exists():
        try:
            services.register(session=webinar, member=member)
        except DomainError as error:  # e.g. the demo member has no municipality yet
            stdout.write(f"  Demo registration skipped: {error.message}\n")
    past = Session.objects.get(slug="demo-terugblik-digitale-weerbaarheid")
    if member is not None and not past.registrations.filter(email=member.email).exists():
        # Registered and attended in the past: shows the certificate and the evaluation form.
        Registration.objects.create(
            session=past,
            user=member,
            name=member.get_full_name(),
            email=member.email,
            municipality=getattr(getattr(member, "profile", None), "municipality", None),
            mode=Registration.Mode.ONLINE,
            status=Registration.Status.CONFIRMED,
            confirmed_at=past.starts_at - timedelta(days=7),
            created_at=past.starts_at - timedelta(days=7),
        )
        registration = past.registrations.get(email=member.email)
        services.check_in(registration=registration, actor=None, at=past.starts_at)
