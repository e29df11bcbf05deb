from factory.django import DjangoModelFactory

from kennishub.search.models import Synonym


class SynonymFactory(DjangoModelFactory):
    class Meta:
        model = Synonym

    terms = "Ow, Omgevingswet"
