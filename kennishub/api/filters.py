"""Query parameters: declared ones are validated, undeclared ones are refused.

A client that misspells a filter (``?provincei=PV27``) would otherwise get the whole list back and
never notice. The Dutch API Design Rules ask for a 400 with the parameter named instead.
"""

from django import forms
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from rest_framework.exceptions import ErrorDetail

from .exceptions import QueryParameterError, UnknownQueryParameters


def reject_unknown_parameters(request, allowed: set[str]) -> None:
    unknown = sorted(name for name in request.query_params if name not in allowed)
    if unknown:
        raise UnknownQueryParameters(unknown)


def reject_empty_choices(request, filterset) -> None:
    """``?soort=`` is no valid choice; django-filter would quietly treat it as 'no filter'.

    The same holds for an empty part of a sort order (``?sorteer=,`` or ``?sorteer=naam,``).
    """
    empty = sorted(
        name
        for name, declared in filterset.filters.items()
        if (value := request.query_params.get(name)) is not None
        and (
            (value == "" and issubclass(declared.field_class, forms.ChoiceField))
            or (isinstance(declared, filters.OrderingFilter) and "" in (p.strip() for p in value.split(",")))
        )
    )
    if empty:
        reason = gettext("Choose one of the allowed values.")
        raise QueryParameterError({name: [ErrorDetail(reason, code="invalid_choice")] for name in empty})


def pagination_parameters(view) -> set[str]:
    paginator = getattr(view, "paginator", None)
    if paginator is None:
        return set()
    names = {getattr(paginator, "page_query_param", None), getattr(paginator, "page_size_query_param", None)}
    return {name for name in names if name}


class StrictDjangoFilterBackend(filters.DjangoFilterBackend):
    """DjangoFilterBackend that refuses undeclared query parameters and reports invalid values.

    A list accepts its filters and the pagination parameters; a single object accepts none (the
    filters would only turn a found object into a 404).
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "list":
            filterset = self.get_filterset(request, queryset, view)
            allowed = set(filterset.filters) if filterset is not None else set()
            reject_unknown_parameters(request, allowed | pagination_parameters(view))
            if filterset is None:
                return queryset
            reject_empty_choices(request, filterset)
            if not filterset.is_valid():
                raise QueryParameterError(translate_validation(filterset.errors).detail)
            return filterset.qs
        reject_unknown_parameters(request, set())
        return queryset
