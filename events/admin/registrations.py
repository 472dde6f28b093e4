"""Registrations and the waiting list: positions, answers, attendance per session, cancelling."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from events import errors, services
from events.admin.events import export_filename, registrations_csv
from events.models import Attendance, Event, Registration, RegistrationAnswer, Session
from events.selectors import with_waiting_position


class AnswerInline(admin.TabularInline):
    model = RegistrationAnswer
    extra = 0
    fields = ["question", "answer"]
    readonly_fields = ["question"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["session", "marked_at", "marked_by"]
    readonly_fields = ["marked_at", "marked_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            registration_id = request.resolver_match.kwargs.get("object_id")
            event_id = Registration.objects.filter(pk=registration_id).values("event_id")[:1]
            # Only sessions that have started can have been attended (Attendance.clean refuses the others).
            kwargs["queryset"] = Session.objects.filter(event_id__in=event_id, starts_at__lte=timezone.now())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MarkAttendanceForm(forms.Form):
    sessions = forms.ModelMultipleChoiceField(
        queryset=Session.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Sessions they attended",
        help_text="Only sessions that have started are listed: attendance cannot be marked in advance.",
        error_messages={
            "invalid_choice": "Attendance can be marked only for sessions of these events that have started.",
        },
    )

    def __init__(self, *args, event_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = Session.objects.filter(
            event_id__in=event_ids, starts_at__lte=timezone.now()
        ).select_related("event")
        self.fields["sessions"].label_from_instance = lambda s: f"{s.event.title}: {s}"


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    # Short columns: with both timestamps in full the list was cut off at 1280 px (the change page has them).
    list_display = ["user", "event", "status", "position", "registered", "all_sessions"]
    list_filter = ["status", "event"]
    search_fields = ["user__email", "user__name", "event__title"]
    list_select_related = ["user", "event"]
    readonly_fields = [
        "event",
        "user",
        "status",
        "queued_at",
        "promoted_at",
        "cancelled_at",
        "confirmed_all_sessions",
    ]
    inlines = [AnswerInline, AttendanceInline]
    actions = ["export_csv", "mark_attendance", "cancel_registrations"]

    def get_queryset(self, request):
        return with_waiting_position(super().get_queryset(request))

    @admin.display(description="registered", ordering="queued_at")
    def registered(self, obj):
        return timezone.localtime(obj.queued_at).strftime("%-d %b %Y %H:%M")

    @admin.display(description="all sessions", boolean=True, ordering="confirmed_all_sessions")
    def all_sessions(self, obj):
        return obj.confirmed_all_sessions

    @admin.display(description="queue")
    def position(self, obj):
        return obj.waiting_ahead + 1 if obj.is_waiting else "-"

    def has_add_permission(self, request):
        # Registrations are made by members (or the service); adding one here would skip the capacity check.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would free a place without promoting anyone: officers cancel instead.
        return False

    @admin.action(description="Export the selected registrations as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        # Named after the event when every row is from one (filter by event, tick "select all").
        event_ids = set(queryset.values_list("event_id", flat=True))
        event = Event.objects.with_times().get(pk=event_ids.pop()) if len(event_ids) == 1 else None
        return registrations_csv(
            Registration.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))),
            filename=export_filename(event),
        )

    @admin.action(description="Mark attendance for sessions", permissions=["change"])
    def mark_attendance(self, request, queryset):
        event_ids = set(queryset.values_list("event_id", flat=True))
        if "apply" in request.POST:
            form = MarkAttendanceForm(request.POST, event_ids=event_ids)
            if form.is_valid():
                try:
                    created = services.attendance_mark(
                        registration_ids=list(queryset.values_list("pk", flat=True)),
                        session_ids=[s.pk for s in form.cleaned_data["sessions"]],
                        marked_by=request.user,
                    )
                except errors.SessionNotStarted as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                    return None
                self.message_user(request, f"{created} attendance mark(s) recorded (confirmed registrants only).")
                return None
        else:
            form = MarkAttendanceForm(event_ids=event_ids)
        return TemplateResponse(
            request,
            "events/admin/mark_attendance.html",
            {
                **self.admin_site.each_context(request),
                "title": "Mark attendance",
                "form": form,
                "registrations": queryset.select_related("user", "event"),
                "action": "mark_attendance",
                "opts": self.model._meta,
            },
        )

    @admin.action(
        description="Cancel selected registrations (frees places for the waiting list)", permissions=["change"]
    )
    def cancel_registrations(self, request, queryset):
        done = 0
        for registration in queryset.active():
            try:
                services.registration_cancel_by_officer(registration_id=registration.pk)
                done += 1
            except errors.EventError as exc:
                self.message_user(request, f"{registration}: {exc.message}", messages.ERROR)
        self.message_user(request, f"{done} registration(s) cancelled; free places went to the waiting list.")
