"""Answers the forums' pages share: the principles redirect, form errors, moderators only, not found, paging."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from members.principles import accept_url
from members.roles import is_moderator


def principles_redirect(request, next_url=None):
    messages.info(request, "Please read and accept the community principles before you post.")
    return redirect(accept_url(next_url or request.get_full_path()))


def form_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def login_redirect(request):
    return redirect(f"{reverse('account_login')}?next={quote(request.get_full_path())}")


def require_moderator(request):
    if not request.user.is_authenticated:
        return login_redirect(request)
    if not is_moderator(request.user):
        raise PermissionDenied("Only moderators can see this page.")
    return None


def not_found(request, what):
    """Visitors are asked to log in (the same answer whether or not the thing exists); members get a 404."""
    if not request.user.is_authenticated:
        return login_redirect(request)
    raise Http404(what)


def page_of(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
