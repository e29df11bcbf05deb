"""Demo content of the test app: one work field, created once however often it is loaded."""

from kennishub.core.models import WorkField


def load_demo(stdout) -> None:
    _, created = WorkField.objects.get_or_create(slug="demo-werkveld", defaults={"name": "Demo-werkveld"})
    stdout.write("demo-werkveld aangemaakt" if created else "demo-werkveld bestond al")
