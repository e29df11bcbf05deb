"""The cached URL templates and key conversion give exactly what DRF and the camelCase library give."""

from collections import OrderedDict

import pytest
from django.utils.translation import gettext_lazy
from djangorestframework_camel_case.util import camelize
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from kennishub.api.relations import HyperlinkedIdentityField
from kennishub.api.renderers import camelize_data
from kennishub.core.models import Organisation
from kennishub.core.tests.factories import OrganisationFactory


class DRFOrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisatie-detail", lookup_field="slug")

    class Meta:
        model = Organisation
        fields = ["url"]


class FastOrganisationSerializer(DRFOrganisationSerializer):
    url = HyperlinkedIdentityField(view_name="api:organisatie-detail", lookup_field="slug")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug",
    ["vng", "a-b_c-09", "café-de-hoek", "met spatie", "a.b", "50%"],
)
def test_cached_url_template_builds_the_url_drf_builds(slug):
    organisation = OrganisationFactory.build(pk=1, slug=slug)
    request = APIRequestFactory().get("/api/v1/organisaties")
    context = {"request": request}

    expected = DRFOrganisationSerializer(organisation, context=context).data["url"]
    assert FastOrganisationSerializer(organisation, context=context).data["url"] == expected
    assert expected.startswith("http://testserver/api/v1/organisaties/")


@pytest.mark.django_db
def test_unsaved_object_has_no_url():
    request = APIRequestFactory().get("/")
    data = FastOrganisationSerializer(Organisation(slug="nieuw"), context={"request": request}).data
    assert data["url"] is None


def test_camelize_data_matches_the_camel_case_library():
    data = OrderedDict(
        count=2,
        next=None,
        results=[
            {"cbs_nummer": "0363", "peildatum_inwonertal": "2024-01-01", "is_2_weg": True},
            {"provincie": {"tooi_uri": None, "naam": gettext_lazy("Noord-Holland")}},
            {"tags": ("a_b", "c"), 3: "number key", "_private": 1, "a__b": 0.5},
        ],
        meta_data={"nested_list": [[{"diep_veld": 1}]], "lege_set": set()},
    )
    assert camelize_data(data) == camelize(data)
