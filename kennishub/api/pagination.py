"""Page-number pagination with strict parameters and RFC 8288 ``Link`` headers.

``page`` and ``pageSize`` must be whole numbers in range: a malformed value is a 400 naming the
parameter (DRF would silently fall back to the default), a page past the last one is a 404.
"""

from django.core.paginator import InvalidPage
from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail, NotFound
from rest_framework.response import Response

from .exceptions import QueryParameterError


def _parse_positive_int(request, name: str, *, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < 1:
        reason = gettext("Enter a whole number of 1 or more.")
        raise QueryParameterError({name: [ErrorDetail(reason, code="invalid")]})
    if maximum is not None and value > maximum:
        reason = gettext("Enter a whole number of at most %(maximum)d.") % {"maximum": maximum}
        raise QueryParameterError({name: [ErrorDetail(reason, code="max_value")]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    page_query_param = "page"
    page_size_query_param = "pageSize"
    max_page_size = 100

    def get_page_size(self, request):
        return _parse_positive_int(request, self.page_size_query_param, maximum=self.max_page_size) or (
            self.page_size
        )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        page_number = _parse_positive_int(request, self.page_query_param) or 1
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as error:
            raise NotFound(gettext("This page does not exist.")) from error
        return list(self.page)

    def get_paginated_response(self, data):
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        headers = {"Link": ", ".join(links)} if links else None
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            },
            headers=headers,
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": gettext("Total number of results."),
                    "example": 342,
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": gettext("Address of the next page."),
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": gettext("Address of the previous page."),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": gettext("Page number, starting at 1."),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": gettext(
                    "Number of results per page (default %(default)d, at most %(maximum)d)."
                )
                % {"default": self.page_size, "maximum": self.max_page_size},
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
