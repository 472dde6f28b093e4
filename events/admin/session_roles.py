"""Speakers and chairs of sessions: officers record who presented, and members' CPD portfolios show it."""

from django.contrib import admin

from events.models import SessionRole
from members.admin_people import PeopleByName


@admin.register(SessionRole)
class SessionRoleAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["user", "role", "session", "event"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__name", "session__title", "session__event__title"]
    # The person by name, email and organisation; the session from a list naming its event, newest first.
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "session":
            field.queryset = field.queryset.select_related("event").order_by("-starts_at", "pk")
            field.label_from_instance = lambda s: f"{s.event.title}: {s}"
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "session__event")

    @admin.display(description="event", ordering="session__event__title")
    def event(self, obj):
        return obj.session.event
