"""Hyperlinks to API resources without reversing the URL configuration for every row.

DRF's hyperlinked fields call ``reverse()`` once per object: on a page of twenty municipalities
with their provinces that is forty walks through the URL resolver, about a third of the time of
the whole response. The path of a detail URL only differs in its lookup value, so these fields
reverse once per view name with a marker as the value and put each object's value in its place.

Only values that need no escaping and that every converter accepting the marker also accepts
(letters, digits, ``-`` and ``_``) take that path; anything else (and a URL configuration that
refuses the marker, such as an ``int`` or ``uuid`` converter) goes through DRF's own ``reverse()``,
so the URLs are exactly the ones DRF would build.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from rest_framework import serializers

MARKER = "khlookupmarker0"
PLAIN_VALUE = re.compile(r"[A-Za-z0-9_-]+\Z")


@lru_cache(maxsize=256)
def _path_template(urlconf, script_prefix: str, view_name: str, kwarg: str) -> str | None:
    """The path of `view_name` with MARKER as `kwarg`, or None when the URL refuses the marker."""
    try:
        path = django_reverse(view_name, urlconf=urlconf, kwargs={kwarg: MARKER})
    except NoReverseMatch:
        return None
    return path if path.count(MARKER) == 1 else None


class TemplateURLMixin:
    """Build the URL from a cached path template; fall back to DRF for anything unusual."""

    def get_url(self, obj, view_name, request, format):
        if format or getattr(request, "versioning_scheme", None) is not None:
            return super().get_url(obj, view_name, request, format)
        if hasattr(obj, "pk") and obj.pk in (None, ""):
            return None
        value = str(getattr(obj, self.lookup_field))
        template = (
            _path_template(
                get_urlconf() or settings.ROOT_URLCONF,
                get_script_prefix(),
                view_name,
                self.lookup_url_kwarg,
            )
            if PLAIN_VALUE.match(value)
            else None
        )
        if template is None:
            return super().get_url(obj, view_name, request, format)
        path = template.replace(MARKER, value)
        return request.build_absolute_uri(path) if request is not None else path


class HyperlinkedIdentityField(TemplateURLMixin, serializers.HyperlinkedIdentityField):
    pass


class HyperlinkedRelatedField(TemplateURLMixin, serializers.HyperlinkedRelatedField):
    pass
