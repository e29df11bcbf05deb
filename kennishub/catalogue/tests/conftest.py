from pathlib import Path

import pytest

from .factories import ProviderFactory

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_path(name: str) -> str:
    return str(FIXTURES / name)


@pytest.fixture
def provider(db):
    return ProviderFactory(code="voorbeeld-academie", organisation__name="Voorbeeld Academie")
