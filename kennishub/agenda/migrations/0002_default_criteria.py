"""The starting set of prioritisation criteria of issue #7; knowledge brokers change them later."""

from django.db import migrations

CRITERIA = [
    ("Urgentie voor gemeenten", "Hoe dringend hebben gemeenten het antwoord nodig?", 2, 1),
    ("Breedte", "Hoeveel en welke gemeenten (grootte, regio) delen deze vraag?", 2, 2),
    ("Onderzoekbaarheid", "Kan onderzoek deze vraag binnen redelijke tijd beantwoorden?", 1, 3),
    ("Bestaande kennis", "Hoe weinig kennis is er al? (5 = er is nog niets)", 1, 4),
    ("Past bij een programma van een financier", "Sluit de vraag aan bij een lopend programma of een call?", 1, 5),
]


def create(apps, schema_editor):
    Criterion = apps.get_model("agenda", "Criterion")
    for name, description, weight, order in CRITERIA:
        Criterion.objects.get_or_create(name=name, defaults={"description": description, "weight": weight, "order": order})


class Migration(migrations.Migration):
    dependencies = [("agenda", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
