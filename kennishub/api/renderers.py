"""JSON in camelCase, as the Dutch API Design Rules ask, without re-running a regex per key.

``djangorestframework_camel_case`` converts every key of every object with ``re.sub`` and copies
each dict into an ``OrderedDict``: a fifth of the time of a list response. The keys of a response
come from a handful of serializer fields, so their camelCase form is computed once and cached.
The conversion is the library's own (``camelize_re`` / ``underscore_to_camel``), so the output is
identical; types this walker does not know go to the library's ``camelize``.
"""

from functools import lru_cache

from django.utils.encoding import force_str
from django.utils.functional import Promise
from djangorestframework_camel_case.util import camelize, camelize_re, underscore_to_camel
from rest_framework.renderers import JSONRenderer

SCALARS = (str, int, float, bool, type(None))


@lru_cache(maxsize=4096)
def camel_key(key: str) -> str:
    return camelize_re.sub(underscore_to_camel, key) if "_" in key else key


def camelize_data(data):
    if isinstance(data, SCALARS):
        return data
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if isinstance(key, Promise):
                key = force_str(key)
            result[camel_key(key) if isinstance(key, str) else key] = camelize_data(value)
        return result
    if isinstance(data, (list, tuple)):
        return [camelize_data(item) for item in data]
    if isinstance(data, Promise):
        return force_str(data)
    return camelize(data)


class CamelCaseJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        return super().render(camelize_data(data), accepted_media_type, renderer_context)
