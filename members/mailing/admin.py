"""The officers' side of the mailing list: subscribers, issues and announcements with their delivery progress."""

from csp.decorators import csp_update
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from members.admin_people import PeopleByName
from members.mailing.delivery import (
    AnnouncementComposer,
    announcement_send_test,
    personalise,
)
from members.mailing.errors import AnnouncementError
from members.mailing.models import Announcement, Delivery, DigestIssue, Subscriber
from members.mailing.services.announcements import announcement_send_to_list
from members.mailing.services.deliveries import deliveries_retry_failed


@admin.register(Subscriber)
class SubscriberAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["email", "user", "status", "frequency", "confirmed_at", "hard_bounce_count"]
    list_filter = ["status", "frequency"]
    search_fields = ["email", "user__name", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = [
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "hard_bounce_count",
        "last_bounce_at",
        "disabled_reason",
    ]
    fields = ["email", "user", "status", "frequency", "sections", *readonly_fields]


class DeliveryProgressMixin:
    """Pending / sent / failed columns (annotated in one query) and the "retry failed" action."""

    mailing_field = None

    def get_queryset(self, request):
        return super().get_queryset(request).with_delivery_counts()

    def _count_link(self, obj, status, count):
        url = reverse("admin:mailing_delivery_changelist") + f"?{self.mailing_field}__id__exact={obj.pk}"
        if status:
            url += f"&status__exact={status}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description="pending", ordering="pending_count")
    def pending(self, obj):
        return self._count_link(obj, "pending", obj.pending_count)

    @admin.display(description="sent", ordering="sent_count")
    def sent(self, obj):
        return self._count_link(obj, "sent", obj.sent_count)

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, obj):
        return self._count_link(obj, "failed", obj.failed_count)

    @admin.action(description="Retry failed deliveries", permissions=["change"])
    def retry_failed(self, request, queryset):
        total = 0
        for obj in queryset:
            total += deliveries_retry_failed(**{self.mailing_field: obj})
        self.message_user(request, f"{total} failed deliveries queued to be sent again.")


@admin.register(DigestIssue)
class DigestIssueAdmin(DeliveryProgressMixin, admin.ModelAdmin):
    mailing_field = "issue"
    list_display = ["__str__", "kind", "period_until", "status", "recipient_count", "pending", "sent", "failed"]
    list_filter = ["kind", "status"]
    actions = ["retry_failed"]
    readonly_fields = [
        "kind",
        "number",
        "period_since",
        "period_until",
        "created_at",
        "sent_at",
        "status",
        "recipient_count",
        "progress",
        "web_copy",
    ]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False  # issues are built by the weekly and daily tasks

    @admin.display(description="progress")
    def progress(self, obj):
        return format_html("{} pending · {} sent · {} failed", self.pending(obj), self.sent(obj), self.failed(obj))

    @admin.display(description="web copy")
    def web_copy(self, obj):
        if not obj.number:
            return "Daily digests have no web copy."
        url = reverse("mailing:issue", args=[obj.number])
        return format_html('<a href="{}">{}</a>', url, url)


@admin.register(Announcement)
class AnnouncementAdmin(DeliveryProgressMixin, admin.ModelAdmin):
    mailing_field = "announcement"
    list_display = ["title", "status", "audience", "sent_at", "recipient_count", "pending", "sent", "failed", "preview"]
    list_filter = ["status", "audience"]
    search_fields = ["title", "body"]
    actions = ["send_test", "send_to_list", "retry_failed"]
    readonly_fields = ["status", "created_by", "created_at", "sent_at", "recipient_count", "preview"]
    fields = ["title", "body", "audience", *readonly_fields]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Announcement.Status.DRAFT:
            return ["title", "body", "audience", *self.readonly_fields]  # what went out stays as it was
        return self.readonly_fields

    @admin.display(description="preview")
    def preview(self, obj):
        if not obj.pk:
            return "Save the draft to preview it."
        return format_html('<a href="{}">Preview</a>', reverse("admin:mailing_announcement_preview", args=[obj.pk]))

    @admin.action(description="Send a test to myself", permissions=["change"])
    def send_test(self, request, queryset):
        for announcement in queryset:
            announcement_send_test(announcement=announcement, user=request.user)
        self.message_user(request, f"Sent {queryset.count()} test message(s) to {request.user.email}.")

    @admin.action(description="Send to the list", permissions=["change"])
    def send_to_list(self, request, queryset):
        for announcement in queryset:
            try:
                announcement = announcement_send_to_list(announcement=announcement, user=request.user)
            except AnnouncementError as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
            else:
                self.message_user(
                    request, f"“{announcement.title}” is being sent to {announcement.recipient_count} subscribers."
                )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="mailing_announcement_preview",
            ),
            path(
                "<int:pk>/preview/html/",
                self.admin_site.admin_view(self.preview_html_view),
                name="mailing_announcement_preview_html",
            ),
        ]
        return own + super().get_urls()

    def preview_view(self, request, pk):
        announcement = get_object_or_404(Announcement, pk=pk)
        composer = AnnouncementComposer(announcement)
        text, _ = composer.parts(None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "announcement": announcement,
            "subject": composer.subject,
            "text": personalise(text, "preview"),
            "title": f"Preview: {announcement.title}",
        }
        return TemplateResponse(request, "members/mailing/admin_announcement_preview.html", context)

    @csp_update({"style-src": ["'unsafe-inline'"]})  # the email's own inlined styles, on this one admin page
    def preview_html_view(self, request, pk):
        announcement = get_object_or_404(Announcement, pk=pk)
        _, html = AnnouncementComposer(announcement).parts(None)
        return HttpResponse(personalise(html, "preview"))


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "issue", "announcement", "status", "attempts", "sent_at", "message_id", "last_error"]
    list_filter = ["status", "issue", "announcement"]
    search_fields = ["subscriber__email", "message_id"]
    list_select_related = ["subscriber", "issue", "announcement"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
