"""Speakers and chairs of sessions: officers record who presented, and members' CPD portfolios show it."""

from django.contrib import admin

from events.models import SessionRole


@admin.register(SessionRole)
class SessionRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "session", "event"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__name", "session__title", "session__event__title"]
    raw_id_fields = ["session", "user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "session__event")

    @admin.display(description="event", ordering="session__event__title")
    def event(self, obj):
        return obj.session.event
