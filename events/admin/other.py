"""Series of events, and the read-only records behind emails and calendar feeds."""

from django.contrib import admin
from django.db.models import Count

from events.models import CalendarFeedToken, EmailReceipt, Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "event_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_events=Count("events"))

    @admin.display(description="events", ordering="n_events")
    def event_count(self, obj):
        return obj.n_events


@admin.register(EmailReceipt)
class EmailReceiptAdmin(admin.ModelAdmin):
    list_display = ["kind", "user", "event", "session", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "event__title", "key"]
    list_select_related = ["user", "event", "session"]
    readonly_fields = ["user", "event", "session", "kind", "key", "sent_at"]

    def has_add_permission(self, request):
        return False


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False
