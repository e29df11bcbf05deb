"""DEMO offer for trying the catalogue out: one clearly marked demo provider, harvested from the
example feeds in tests/fixtures (one per format). Not real offer; loaded only by
``manage.py load_demo_data``, never by migrations. Idempotent: a second load changes nothing.

The example feeds date their runs in 2026; the demo moves them to next year so they are upcoming.
"""

from pathlib import Path

from django.utils import timezone

from kennishub.core.models import Organisation

from . import services
from .models import Provider

FIXTURES = Path(__file__).parent / "tests" / "fixtures"
DEMO_CODE = "demo-voorbeeld-academie"
FEEDS = [
    ("edudex", "edudex/example-program.xml"),
    ("schemaorg", "schemaorg/course-page-nl.html"),  # the same course again: shown once, two sources
    ("ooapi", "ooapi/feed-course-with-offering.json"),
    ("csv", "spreadsheet-example.csv"),  # has two bad rows on purpose: see the harvest report
]


def _shift_years(content: bytes) -> bytes:
    year = timezone.localdate().year
    return content.replace(b"2026-", f"{year + 1}-".encode()).replace(b"2025-", f"{year}-".encode())


def load_demo(stdout) -> None:
    organisation, _created = Organisation.objects.get_or_create(
        slug=DEMO_CODE,
        defaults={
            "name": "Demo \N{EN DASH} Voorbeeld Academie",
            "kind": Organisation.Kind.PROVIDER,
            "description": "Demo-aanbieder met voorbeeldaanbod. Geen echt aanbod.",
        },
    )
    provider, _created = Provider.objects.get_or_create(
        code=DEMO_CODE,
        defaults={"organisation": organisation, "website": "https://voorbeeld-academie.example/"},
    )
    for format_name, name in FEEDS:
        run = services.start_run(provider=provider, format_name=format_name, source=f"demo: {name}")
        run = services.harvest(run, content=_shift_years((FIXTURES / name).read_bytes()))
        stdout.write(f"  {name}: {services.report_line(run)}")
