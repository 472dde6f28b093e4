"""The officers' tools for events: sessions and questions inline, the registrations list, and the actions."""

import csv
import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from events import services
from events.models import Event, Registration, RegistrationQuestion, Session, sessions_overlap
from events.selectors import events_waiting_with_free_place
from members.admin_people import PeopleByName
from members.text import csv_safe


class SessionFormSet(BaseInlineFormSet):
    """At least one session; none ending before it starts; no two overlapping."""

    def clean(self):
        super().clean()
        sessions = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            starts, ends = form.cleaned_data.get("starts_at"), form.cleaned_data.get("ends_at")
            if starts is None or ends is None:
                continue
            if ends <= starts:
                raise ValidationError("A session must end after it starts: check the session times.")
            sessions.append(Session(starts_at=starts, ends_at=ends, title=form.cleaned_data.get("title", "")))
        if not sessions:
            raise ValidationError("An event needs at least one session with a start and an end.")
        pair = sessions_overlap(sessions)
        if pair:
            first, second = (timezone.localtime(s.starts_at) for s in pair)
            raise ValidationError(
                f"Sessions overlap: the session starting {first:%d %b %Y %H:%M %Z} has not ended when "
                f"the one starting {second:%d %b %Y %H:%M %Z} begins."
            )


class SessionInline(admin.StackedInline):
    """Stacked: a session's date and time pickers side by side overflowed the page at 1280 px."""

    model = Session
    formset = SessionFormSet
    extra = 1
    fields = ["title", ("starts_at", "ends_at"), "join_url"]


class QuestionInline(admin.TabularInline):
    model = RegistrationQuestion
    extra = 0
    fields = ["label", "help_text", "required", "position"]


class RegistrationInline(admin.TabularInline):
    """This event's registrations and waiting list, in queue order (change them under Registrations)."""

    model = Registration
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["user", "status", "queued_at", "promoted_at", "cancelled_at"]
    readonly_fields = fields
    ordering = ["status", "queued_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False


class WhenFilter(admin.SimpleListFilter):
    """Officers mostly work on what is coming up: that is the default."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming and drafts"), ("past", "Past"), ("all", "All")]

    def choices(self, changelist):
        value = self.value() or "upcoming"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "upcoming"
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(Q(last_ends_at__gte=now) | Q(last_ends_at__isnull=True))
        if value == "past":
            return queryset.filter(last_ends_at__lt=now)
        return queryset


class EmailRegistrantsForm(forms.Form):
    subject = forms.CharField(max_length=150)
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 10}), help_text="Markdown.")
    recipients = forms.ChoiceField(
        choices=[
            ("confirmed", "Confirmed registrants"),
            ("waiting", "People on the waiting list"),
            ("both", "Both"),
        ]
    )


def export_filename(event):
    """'<slug>-<first day>-registrations.csv' for one event (its creation day before it has sessions)."""
    if event is None:
        return f"registrations-{timezone.localdate().isoformat()}.csv"
    starts = getattr(event, "first_starts_at", None)
    day = timezone.localdate(starts) if starts else timezone.localdate(event.created_at)
    return f"{event.slug}-{day.isoformat()}-registrations.csv"


def registrations_csv(registrations, *, filename):
    """The registrations as CSV, in queue order per event; every cell made safe to open in a spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    registrations = (
        registrations.select_related("event", "user")
        .prefetch_related("answers__question", "attendances", "event__sessions")
        .order_by("event_id", "status", "queued_at", "pk")
    )
    writer.writerow(
        ["event", "name", "email", "status", "registered at", "promoted at", "sessions attended", "answers"]
    )
    for r in registrations:
        answers = "; ".join(f"{a.question.label}: {a.answer}" for a in r.answers.all() if a.answer)
        row = [
            r.event.title,
            r.user.name,
            r.user.email,
            r.get_status_display(),
            timezone.localtime(r.queued_at).isoformat(timespec="minutes"),
            timezone.localtime(r.promoted_at).isoformat(timespec="minutes") if r.promoted_at else "",
            f"{len(r.attendances.all())} of {len(r.event.sessions.all())}",
            answers,
        ]
        # Members write names and answers: nothing they type may run as a formula in a spreadsheet.
        writer.writerow([csv_safe(value) for value in row])
    return response


class PlacesFilter(admin.SimpleListFilter):
    """The workspace's "waiting lists with a free place": promotion is due."""

    title = "places"
    parameter_name = "places"

    def lookups(self, request, model_admin):
        return [("free-with-waiting", "A place free and people waiting")]

    def queryset(self, request, queryset):
        if self.value() == "free-with-waiting":
            return events_waiting_with_free_place(queryset)
        return queryset


@admin.register(Event)
class EventAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["title", "kind", "starts", "status", "audience", "places", "waiting"]
    list_filter = [WhenFilter, PlacesFilter, "status", "kind", "series", "audience", "format"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["host"]
    filter_horizontal = ["organisations"]
    readonly_fields = ["cancelled_at", "created_at", "updated_at"]
    inlines = [SessionInline, QuestionInline, RegistrationInline]
    actions = ["export_attendees_csv", "email_registrants", "promote_from_waiting_list", "cancel_events"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "series", "status", "summary", "description", "host"]}),
        ("Where", {"fields": ["format", "venue"]}),
        (
            "Registration",
            {
                "fields": [
                    "capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "audience",
                    "organisations",
                ]
            },
        ),
        ("After the event", {"fields": ["recording_url", "slides_url"]}),
        ("History", {"fields": ["cancelled_at", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisations":
            kwargs["help_text"] = (
                "For the audience 'staff of named organisations'. Any organisation, member of the association or "
                "not: its staff qualify through a verified membership claim, or when their profile names it and "
                "they have a verified email address on its domains."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="starts", ordering="first_starts_at")
    def starts(self, obj):
        return timezone.localtime(obj.first_starts_at).strftime("%d %b %Y %H:%M %Z") if obj.first_starts_at else "-"

    @admin.display(description="places taken")
    def places(self, obj):
        return f"{obj.confirmed_count} / {obj.capacity}" if obj.capacity is not None else f"{obj.confirmed_count} / ∞"

    @admin.display(description="waiting list")
    def waiting(self, obj):
        return obj.waiting_count

    # A change is saved in save_related, not here: what the event was must be read before anything is saved, and
    # what follows (cancelling, promotion, notices) is done by events.services.event_update once the sessions are
    # saved too.
    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        self._save_related(request, form, formsets, change)
        self._warn_about_unconfirmable_organisations(request, form.instance)

    def _warn_about_unconfirmable_organisations(self, request, event):
        """Any organisation may be named, member of the association or not; its staff show they work there with a
        verified address on its email domains (members.membership.staff_organisation_ids). Without domains, only
        a verified membership claim counts, which a non-member organisation's staff cannot make."""
        if event.audience != Event.Audience.ORGANISATIONS:
            return
        if not event.organisations.exists():
            self.message_user(
                request, "Name the organisations whose staff may register: nobody can register yet.", messages.WARNING
            )
            return
        without_domains = [o.name for o in event.organisations.filter(email_domains="")]
        if without_domains:
            self.message_user(
                request,
                f"{', '.join(without_domains)}: no email domains are recorded, so its staff can only qualify through "
                "a verified membership claim. Add the organisation's email domains to let its staff register.",
                messages.WARNING,
            )

    def _save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            return
        event = form.instance
        before = services.EventState.of(event.pk)
        cancel = event.status == Event.Status.CANCELLED
        if cancel:
            # Cancelling goes through the service, which notifies everyone.
            event.status = before.status
        super().save_model(request, event, form, change)
        super().save_related(request, form, formsets, change)
        update = services.event_update(event_id=event.pk, before=before, cancel=cancel)
        if update.cancelled:
            self.message_user(request, "The event is cancelled; everyone registered or waiting is being told.")
        if update.promoted:
            self.message_user(request, f"{len(update.promoted)} person(s) promoted from the waiting list and emailed.")
        if update.times_changed:
            self.message_user(request, "The times changed: registrants are being emailed the new times.")
        if update.recording_added:
            self.message_user(request, "Registrants are being told that the recording is available.")

    @admin.action(description="Export registrations as CSV", permissions=["view"])
    def export_attendees_csv(self, request, queryset):
        registrations = Registration.objects.filter(event__in=queryset)
        events = list(queryset.with_times()[:2])
        return registrations_csv(registrations, filename=export_filename(events[0] if len(events) == 1 else None))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/registrations.csv",
                self.admin_site.admin_view(self.registrations_csv_view),
                name="events_event_registrations_csv",
            ),
            *super().get_urls(),
        ]

    def registrations_csv_view(self, request, object_id):
        """The event's own page offers its registrations as a file named after it."""
        event = self.get_object(request, object_id)
        if event is None:
            raise Http404("No such event.")
        if not self.has_view_or_change_permission(request, event):
            raise PermissionDenied
        return registrations_csv(Registration.objects.filter(event=event), filename=export_filename(event))

    @admin.action(description="Email registrants", permissions=["change"])
    def email_registrants(self, request, queryset):
        if "apply" in request.POST:
            form = EmailRegistrantsForm(request.POST)
            if form.is_valid():
                choice = form.cleaned_data["recipients"]
                statuses = {
                    "confirmed": ["confirmed"],
                    "waiting": ["waiting"],
                    "both": ["confirmed", "waiting"],
                }[choice]
                key = f"message-{uuid.uuid4().hex}"
                for event in queryset:
                    services.registrants_message_send(
                        event_id=event.pk,
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"],
                        statuses=statuses,
                        key=key,
                    )
                self.message_user(
                    request, f"Your message is being sent to the registrants of {queryset.count()} event(s)."
                )
                return None
        else:
            form = EmailRegistrantsForm()
        return TemplateResponse(
            request,
            "events/admin/email_registrants.html",
            {
                **self.admin_site.each_context(request),
                "title": "Email registrants",
                "form": form,
                "events": queryset,
                "action": "email_registrants",
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Promote from the waiting list into free places", permissions=["change"])
    def promote_from_waiting_list(self, request, queryset):
        total = 0
        for event in queryset:
            total += len(services.waiting_list_promote(event_id=event.pk))
        self.message_user(request, f"{total} person(s) promoted from the waiting list and emailed.")

    @admin.action(description="Cancel the event and notify everyone", permissions=["change"])
    def cancel_events(self, request, queryset):
        if "apply" in request.POST:
            for event in queryset:
                services.event_cancel(event_id=event.pk)
            self.message_user(
                request,
                "Cancelled. Everyone registered or on the waiting list is being emailed.",
                messages.WARNING,
            )
            return None
        return TemplateResponse(
            request,
            "events/admin/cancel_events.html",
            {
                **self.admin_site.each_context(request),
                "title": "Cancel events",
                "events": queryset,
                "action": "cancel_events",
                "opts": self.model._meta,
            },
        )
