"""Mailing-list pages: subscribe, confirm, preferences, one-click unsubscribe, bounce webhook, the digest archive."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from members.adapter import client_ip
from members.mailing import tokens
from members.mailing.digest import DigestSection
from members.mailing.errors import BadBounce, SubscriptionError
from members.mailing.forms import PreferencesForm, SubscribeForm
from members.mailing.models import Announcement, DigestIssue, Subscriber
from members.mailing.services.bounces import bounce_record, parse_bounce_line
from members.mailing.services.subscriptions import (
    subscriber_confirm,
    subscriber_for_user,
    subscriber_from_manage_token,
    subscriber_subscribe,
    subscriber_subscribe_member,
    subscriber_unsubscribe,
    subscriber_update_preferences,
    verified_email_of,
)


def _bad_link(request, exc):
    expired = isinstance(exc, tokens.ExpiredToken)
    return render(request, "members/mailing/bad_link.html", {"message": str(exc), "expired": expired}, status=400)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriber_subscribe(email=form.cleaned_data["email"], client_key=client_ip(request))
        except SubscriptionError as exc:
            form.add_error("email", str(exc))
        else:
            request.session["mailing_subscribed_email"] = form.cleaned_data["email"].strip()
            return redirect("mailing:subscribe-sent")
    status = 400 if form.errors else 200
    return render(request, "members/mailing/subscribe.html", {"form": form}, status=status)


def subscribe_sent(request):
    return render(
        request, "members/mailing/subscribe_sent.html", {"email": request.session.get("mailing_subscribed_email")}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    # A GET only shows a button: mail scanners that open links must not confirm anything.
    try:
        tokens.read_confirmation_token(token)
        if request.method == "POST":
            subscriber = subscriber_confirm(token=token)
            return render(
                request,
                "members/mailing/confirmed.html",
                {"subscriber": subscriber, "manage_token": tokens.manage_token(subscriber.pk)},
            )
    except tokens.BadToken as exc:
        return _bad_link(request, exc)
    except SubscriptionError as exc:
        return render(request, "members/mailing/bad_link.html", {"message": str(exc)}, status=400)
    return render(request, "members/mailing/confirm.html", {"token": token})


@login_required
@require_http_methods(["GET", "POST"])
def member_preferences(request):
    """Account settings: a member subscribes their verified address (no confirmation) or changes preferences."""
    subscriber = subscriber_for_user(request.user)
    verified = verified_email_of(request.user)
    form = PreferencesForm(request.POST or None, subscriber=subscriber)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "unsubscribe" and subscriber is not None:
            subscriber_unsubscribe(subscriber=subscriber)
            messages.success(request, "You have unsubscribed. We will not send you any more mailing-list email.")
            return redirect("mailing:preferences")
        if form.is_valid():
            try:
                if subscriber is not None and subscriber.status == Subscriber.Status.ACTIVE:
                    subscriber_update_preferences(
                        subscriber=subscriber,
                        frequency=form.cleaned_data["frequency"],
                        sections=form.cleaned_sections(),
                    )
                    messages.success(request, "Your mailing-list preferences are saved.")
                else:
                    subscriber = subscriber_subscribe_member(
                        user=request.user, frequency=form.cleaned_data["frequency"], sections=form.cleaned_sections()
                    )
                    messages.success(request, f"You are subscribed. The next digest goes to {subscriber.email}.")
            except SubscriptionError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("mailing:preferences")
    return render(
        request,
        "members/mailing/preferences.html",
        {"form": form, "subscriber": subscriber, "verified_email": verified, "member_page": True},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    """Preferences from the signed link in every email: no log-in needed."""
    try:
        subscriber = subscriber_from_manage_token(token)
    except tokens.BadToken as exc:
        return _bad_link(request, exc)
    form = PreferencesForm(request.POST or None, subscriber=subscriber)
    if request.method == "POST":
        if request.POST.get("action") == "unsubscribe":
            subscriber_unsubscribe(subscriber=subscriber)
            return render(request, "members/mailing/unsubscribed.html", {"subscriber": subscriber, "token": token})
        if subscriber.status != Subscriber.Status.ACTIVE:
            form.add_error(None, "This address is not subscribed. Subscribe again on the mailing-list page.")
        elif form.is_valid():
            subscriber_update_preferences(
                subscriber=subscriber, frequency=form.cleaned_data["frequency"], sections=form.cleaned_sections()
            )
            messages.success(request, "Your mailing-list preferences are saved.")
            return redirect("mailing:manage", token=token)
    return render(
        request,
        "members/mailing/preferences.html",
        {"form": form, "subscriber": subscriber, "token": token, "member_page": False},
        status=400 if form.errors else 200,
    )


@csrf_exempt  # RFC 8058: mail clients POST here without cookies; the signed token is the credential
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe: POST unsubscribes (200, no redirect); GET only shows the button."""
    try:
        subscriber = subscriber_from_manage_token(token)
    except tokens.BadToken as exc:
        return _bad_link(request, exc)
    if request.method == "POST":
        subscriber = subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "members/mailing/unsubscribed.html", {"subscriber": subscriber, "token": token})
    return render(request, "members/mailing/unsubscribe.html", {"subscriber": subscriber, "token": token})


@csrf_exempt  # called by the mail provider, authenticated by the shared secret
@require_POST
def bounce_webhook(request):
    """
    The mail provider reports bounces: POST JSON {"email": ..., "type": "hard"|"soft", "reason": ...} or a list of
    them, with the header X-Bounce-Secret: <settings.MAILING_BOUNCE_WEBHOOK_SECRET>. Off while the secret is unset.
    """
    secret = settings.MAILING_BOUNCE_WEBHOOK_SECRET
    if not secret:
        raise Http404("The bounce webhook is not enabled.")
    given = request.headers.get("X-Bounce-Secret", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden("Wrong or missing X-Bounce-Secret header.")
    try:
        payload = json.loads(request.body or b"null")
        events = payload if isinstance(payload, list) else [payload]
        bounces = [
            parse_bounce_line(f"{e['email']},{e.get('type', 'hard')},{str(e.get('reason', '')).replace(',', ' ')}")
            for e in events
        ]
    except (ValueError, KeyError, TypeError, BadBounce) as exc:
        return JsonResponse({"error": f"Could not read the bounce report: {exc}"}, status=400)
    known = 0
    for bounce in bounces:
        if bounce and bounce_record(email=bounce.email, hard=bounce.hard, reason=bounce.reason):
            known += 1
    return JsonResponse({"received": len(bounces), "known": known})


def archive(request):
    issues = DigestIssue.objects.archived().only("number", "period_until", "sent_at", "content")
    return render(request, "members/mailing/archive.html", {"issues": issues})


def issue_detail(request, number):
    """The web copy of a weekly issue: its public content only (the snapshot taken when it was built)."""
    issue = get_object_or_404(DigestIssue.objects.archived(), number=number)
    sections = [DigestSection.from_json(data) for data in issue.content.get("sections", [])]
    newer = DigestIssue.objects.archived().filter(number__gt=number).order_by("number").values_list("number", flat=True)
    older = DigestIssue.objects.archived().filter(number__lt=number).values_list("number", flat=True)
    return render(
        request,
        "members/mailing/issue_detail.html",
        {"issue": issue, "sections": sections, "newer": newer.first(), "older": older.first()},
    )


def announcement_detail(request, pk):
    announcement = get_object_or_404(Announcement.objects.sent(), pk=pk)
    return render(request, "members/mailing/announcement_detail.html", {"announcement": announcement})
