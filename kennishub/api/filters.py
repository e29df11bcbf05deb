"""Query parameters: declared ones are validated, undeclared or repeated ones are refused.

A client that misspells a filter (``?provincei=PV27``) would otherwise get the whole list back and
never notice. The Dutch API Design Rules ask for a 400 with the parameter named instead. The same
holds for a parameter sent twice (``?tekst=a&tekst=b``): Django would quietly use the last value.
"""

from django import forms
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from rest_framework.exceptions import ErrorDetail

from .exceptions import QueryParameterError


def check_query_parameters(request, allowed: set[str]) -> None:
    """Refuse parameters the endpoint does not declare, and declared ones sent more than once.

    Every parameter of this API takes one value; none is a list.
    """
    refused = {}
    for name in sorted(request.query_params):
        if name not in allowed:
            refused[name] = [ErrorDetail(gettext("Unknown parameter."), code="unknown")]
        elif len(request.query_params.getlist(name)) > 1:
            refused[name] = [ErrorDetail(gettext("Give this parameter only once."), code="repeated")]
    if refused:
        raise QueryParameterError(refused)


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
    """DjangoFilterBackend that refuses undeclared or repeated parameters and reports invalid values.

    A list accepts its filters and the pagination parameters; a single object accepts none (the
    filters would only turn a found object into a 404).
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "list":
            filterset = self.get_filterset(request, queryset, view)
            allowed = set(filterset.filters) if filterset is not None else set()
            check_query_parameters(request, allowed | pagination_parameters(view))
            if filterset is None:
                return queryset
            reject_empty_choices(request, filterset)
            if not filterset.is_valid():
                raise QueryParameterError(translate_validation(filterset.errors).detail)
            return filterset.qs
        check_query_parameters(request, set())
        return queryset
