"""Checks other apps use to let only verified members of a municipality act (read stays open)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .selectors import email_domain_known, is_verified_member, profile_of


def verified_member_required(view_func):
    """Let verified members through; send visitors to log in, explain verification to the rest."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_verified_member(request.user):
            municipality = profile_of(request.user).municipality
            context = {"municipality": municipality, "email_domain_known": email_domain_known(municipality)}
            return render(request, "accounts/not_verified.html", context, status=403)
        return view_func(request, *args, **kwargs)

    return wrapper


class IsVerifiedMember(BasePermission):
    """DRF: the request comes from a verified member of a municipality.

    Combine with a read-only permission (``IsVerifiedMember | ReadOnly``) where reading stays open.
    """

    message = _("Only members whose link to a municipality is verified may do this.")

    def has_permission(self, request, view) -> bool:
        return is_verified_member(request.user)
