from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from events import calendars, errors, event_page, selectors, services
from events.eligibility import registration_problem
from events.forms import EventFilterForm, RegistrationForm
from events.models import CalendarFeedToken, Event, Registration
from members.principles import accept_url


def _principles_redirect(request, next_url):
    return redirect(accept_url(next_url))


def event_list(request):
    """Upcoming events (filter by type and series, search) and past events with their recordings."""
    form = EventFilterForm(request.GET or None, series=selectors.series_with_events)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {k: filters.get(k) or None for k in ("kind", "series", "q")}
    # Lazy: the template reads them inside a fragment members share, so a cached fragment costs no query.
    upcoming = SimpleLazyObject(
        lambda: Paginator(selectors.upcoming_events(**filters), 20).get_page(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/event_list.html",
        {
            "form": form,
            "page_obj": upcoming,
            "past_events": SimpleLazyObject(lambda: list(selectors.past_events(**filters)[:12])),
            "filtered": any(filters.values()),
            "query_string": query.urlencode(),
            "feed_url": settings.SITE_URL + reverse("events:feed"),
        },
    )


def event_detail(request, pk):
    """One event: sessions in the viewer's zone, places, and what this person can do."""
    return _event_page(request, pk)


def _event_page(request, pk, form=None):
    """
    The event page: its shared heading and main column (events/event_page.py) around this person's registration
    card. `form` is a register form that came back with errors (answered with 400).
    """
    try:
        event, registration, shared = event_page.event_page_parts(request, pk)
    except Event.DoesNotExist:
        raise Http404("No such event.") from None
    problem = None
    if form is None:
        problem = None if registration else registration_problem(event, request.user)
        if registration is None and problem is None:
            sessions = list(event.sessions.all())
            form = RegistrationForm(event=event, sessions=sessions, questions=list(event.questions.all()))
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "shared": shared,
            "registration": registration,
            "position": registration.position if registration else None,
            "problem": problem,
            "needs_login": isinstance(problem, errors.LoginRequired),
            "needs_principles": isinstance(problem, errors.PrinciplesNotAccepted),
            "principles_url": accept_url(request.path),
            "form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def recording(request, pk):
    """
    /events/<pk>/recording/: the portal's link to an event's recording. A logged-in member's first visit is recorded
    for their CPD portfolio; then everyone is sent on to the recording itself.
    """
    try:
        event = selectors.event_for_page(pk=pk, user=request.user)
    except Event.DoesNotExist:
        raise Http404("No such event.") from None
    if not event.recording_url:
        raise Http404(errors.NoRecording.default_message)
    if request.user.is_authenticated:
        services.recording_view_record(event=event, user=request.user)
    return redirect(event.recording_url)


def event_by_slug(request, slug):
    """/events/<slug>/, for links people type or share: redirects to the event's own page."""
    event = selectors.event_by_slug(user=request.user, slug=slug)
    if event is None:
        raise Http404("No such event.")
    return redirect(event)


@login_required
def event_register(request, pk):
    """Register (POST); GET shows the same form as the event page."""
    event = get_object_or_404(selectors.event_to_register_for(), pk=pk)
    if request.method != "POST":
        return redirect(event)
    sessions = list(event.sessions.all())
    form = RegistrationForm(request.POST, event=event, sessions=sessions, questions=list(event.questions.all()))
    if not form.is_valid():
        messages.error(request, "Please correct the errors below.")
        return _event_page(request, event.pk, form=form)
    try:
        registration = services.registration_create(
            event_id=event.pk,
            user=request.user,
            answers=form.answers(),
            confirmed_all_sessions=form.cleaned_data.get("confirmed_all_sessions", len(sessions) <= 1),
            event=event,
        )
    except errors.PrinciplesNotAccepted:
        return _principles_redirect(request, event.get_absolute_url())
    except errors.EventError as exc:
        messages.error(request, exc.message)
        return redirect(event)
    except Event.DoesNotExist:
        raise Http404("No such event.") from None
    if registration.is_confirmed:
        messages.success(request, f"You are registered for {event.title}. We have emailed you the details.")
    else:
        messages.info(
            request,
            f"{event.title} is full, so you have joined the waiting list in position "
            f"{registration.waiting_position()}. We will email you if a place becomes free.",
        )
    return redirect(event)


@login_required
def registration_cancel(request, pk):
    """GET: ask to confirm; POST: cancel. Someone else's registration is a 404."""
    registration = get_object_or_404(Registration.objects.select_related("event").active(), pk=pk, user=request.user)
    event = registration.event
    if request.method == "POST":
        try:
            if registration.is_waiting:
                services.waiting_list_leave(registration_id=registration.pk, user=request.user)
                messages.success(request, f"You have left the waiting list for {event.title}.")
            else:
                services.registration_cancel(registration_id=registration.pk, user=request.user)
                messages.success(request, f"Your registration for {event.title} is cancelled.")
        except errors.EventError as exc:
            messages.error(request, exc.message)
            return redirect(event)
        except Registration.DoesNotExist:
            raise Http404("No such registration.") from None
        return redirect("events:mine" if request.POST.get("next") == "mine" else event.get_absolute_url())
    if event.has_started():
        messages.error(request, "This event has already started, so the registration can no longer be cancelled.")
        return redirect(event)
    return render(
        request,
        "events/registration_cancel.html",
        {"registration": registration, "event": event, "next": request.GET.get("next", "")},
    )


@login_required
def my_events(request):
    """My registrations, waiting-list places, past attendance and CPD hours, and my calendar feed."""
    mine = selectors.my_events(request.user)
    entries, total = selectors.cpd_record(request.user)
    token = selectors.feed_token_of(request.user)
    return render(
        request,
        "events/my_events.html",
        {
            "mine": mine,
            "cpd_entries": entries,
            "cpd_total": total,
            "feed_url": settings.SITE_URL + reverse("events:personal-feed", kwargs={"token": token.token}),
        },
    )


@login_required
def cpd_certificate(request):
    """A printable certificate of attendance: the member's attended events with hours."""
    entries, total = selectors.cpd_record(request.user)
    return render(
        request,
        "events/cpd_certificate.html",
        {"entries": entries, "total": total, "issued_on": timezone.localdate()},
    )


@login_required
@require_POST
def feed_regenerate(request):
    """Give me a new secret feed URL; the old one stops working."""
    CalendarFeedToken.objects.filter(user=request.user).delete()
    selectors.feed_token_of(request.user)
    messages.success(
        request,
        "Your calendar feed has a new address. Subscribe to it again; the old address no longer works.",
    )
    return redirect("events:mine")


def _ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request, pk):
    """One event's .ics; join links only for a confirmed registrant who is logged in."""
    try:
        event = selectors.event_for_page(pk=pk, user=request.user)
    except Event.DoesNotExist:
        raise Http404("No such event.") from None
    registration = selectors.registration_of(event=event, user=request.user)
    join_links = bool(registration and registration.is_confirmed)
    response = _ics_response(calendars.event_ics(event, join_links=join_links), f"{event.slug or 'event'}.ics")
    if join_links:
        response["Cache-Control"] = "private, no-store"
    return response


def public_feed(request):
    """The public calendar: published events open to everyone, without join links."""
    return _ics_response(calendars.public_feed_ics(selectors.public_feed_events()), "events.ics")


def personal_feed(request, token):
    """A person's own calendar, with the join links of their confirmed registrations; unknown token -> 404."""
    registrations = selectors.personal_feed_registrations(token)
    if registrations is None:
        raise Http404("No such calendar.")
    response = _ics_response(calendars.personal_feed_ics(registrations), "my-events.ics")
    response["Cache-Control"] = "private, no-store"
    return response
