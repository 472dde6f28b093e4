"""
The officers' side of the forums. Officers arrange forums here; moderation (hide, approve, lock, suspend)
goes through forums.services, from the admin actions below or the moderation queue, so every action is logged.
Who wrote an anonymous post is never shown here: that look happens on the site, where it is logged.
"""

from django.contrib import admin, messages
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone

from members.admin_people import PeopleByName

from .errors import ForumError
from .models import Forum, ModerationLogEntry, Post, PostRevision, Report, Status, Suspension, Topic
from .services import moderation, suspensions


class AnonymityGuard:
    """
    Refuses any admin lookup that goes through who wrote a post or topic (?author=, ?post__author__email=,
    ?posts__author=...): filtering by author would list a member's anonymous posts, the look the site only allows
    with a reason, logged (forums.services.moderation.post_reveal_author). Django answers a refused lookup with
    400, and search fields never name an author either.
    """

    def lookup_allowed(self, lookup, value, request=None):
        if AUTHOR in lookup.split(LOOKUP_SEP):
            return False
        return super().lookup_allowed(lookup, value, request)


AUTHOR = "author"


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "order",
        "visibility",
        "who_may_start_topics",
        "topics_need_approval",
        "replies_need_approval",
        "allow_anonymous",
    ]
    list_editable = [
        "order",
        "visibility",
        "who_may_start_topics",
        "topics_need_approval",
        "replies_need_approval",
        "allow_anonymous",
    ]
    list_filter = ["visibility", "allow_anonymous"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


def _run(modeladmin, request, queryset, fn, done):
    count = 0
    for obj in queryset:
        try:
            fn(obj)
            count += 1
        except ForumError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.WARNING)
    if count:
        modeladmin.message_user(request, f"{done}: {count}.")


@admin.register(Topic)
class TopicAdmin(AnonymityGuard, admin.ModelAdmin):
    list_display = [
        "title",
        "forum",
        "status",
        "pinned",
        "locked",
        "slow_mode_minutes",
        "post_count",
        "last_post_at",
    ]
    list_filter = ["forum", "status", "pinned", "locked"]
    search_fields = ["title"]
    list_select_related = ["forum"]
    date_hierarchy = "last_post_at"
    fields = [
        "forum",
        "title",
        "slug",
        "status",
        "pinned",
        "locked",
        "slow_mode_minutes",
        "post_count",
        "created_at",
    ]
    readonly_fields = [
        "forum",
        "slug",
        "status",
        "pinned",
        "locked",
        "slow_mode_minutes",
        "post_count",
        "created_at",
    ]
    actions = ["lock", "unlock", "pin", "unpin"]

    def has_add_permission(self, request):
        return False  # topics start on the site, through the rules of their forum

    @admin.action(description="Lock the selected topics (logged)", permissions=["change"])
    def lock(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda t: moderation.topic_set_locked(topic=t, moderator=request.user, locked=True),
            "Locked",
        )

    @admin.action(description="Unlock the selected topics (logged)", permissions=["change"])
    def unlock(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda t: moderation.topic_set_locked(topic=t, moderator=request.user, locked=False),
            "Unlocked",
        )

    @admin.action(description="Pin the selected topics (logged)", permissions=["change"])
    def pin(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda t: moderation.topic_set_pinned(topic=t, moderator=request.user, pinned=True),
            "Pinned",
        )

    @admin.action(description="Unpin the selected topics (logged)", permissions=["change"])
    def unpin(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda t: moderation.topic_set_pinned(topic=t, moderator=request.user, pinned=False),
            "Unpinned",
        )


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    fields = ["created_at", "edited_by", "title", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="edited by")
    def edited_by(self, revision):
        # Naming the editor of an anonymous post would name its author.
        if revision.editor_id and revision.editor_id == revision.post.author_id:
            return "the author"
        return revision.editor.name if revision.editor else "former member"


@admin.register(Post)
class PostAdmin(AnonymityGuard, admin.ModelAdmin):
    list_display = ["id", "topic", "written_by", "status", "created_at", "edited_at"]
    list_filter = ["status", "topic__forum", "is_anonymous"]
    # No search by author: it would tell an officer who wrote an anonymous post without the logged look.
    search_fields = ["body", "topic__title"]
    list_select_related = ["topic", "author"]
    fields = [
        "topic",
        "written_by",
        "is_anonymous",
        "status",
        "status_reason",
        "created_at",
        "edited_at",
        "body",
    ]
    readonly_fields = fields
    inlines = [PostRevisionInline]
    actions = ["approve", "restore"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="author")
    def written_by(self, post):
        if post.is_anonymous:
            return "anonymous member (moderators can look on the site; the look is logged)"
        return post.author.name if post.author else "former member"

    @admin.action(description="Approve the selected pending posts (logged)", permissions=["change"])
    def approve(self, request, queryset):
        _run(
            self,
            request,
            queryset.filter(status=Status.PENDING),
            lambda p: moderation.post_approve(post=p, moderator=request.user),
            "Approved",
        )

    @admin.action(description="Restore the selected posts / dismiss their reports (logged)", permissions=["change"])
    def restore(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: moderation.post_restore(post=p, moderator=request.user),
            "Restored",
        )


@admin.register(Report)
class ReportAdmin(AnonymityGuard, admin.ModelAdmin):
    list_display = ["post", "reason", "status", "created_at", "resolved_at", "resolved_by"]
    list_filter = ["status", "reason"]
    search_fields = ["text", "post__body"]
    list_select_related = ["post__topic", "resolved_by"]
    readonly_fields = [
        "post",
        "reporter",
        "reason",
        "text",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided in the moderation queue, where the reporter is told the outcome


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(AnonymityGuard, admin.ModelAdmin):
    """Read-only for everyone: the log is a record nobody can edit or delete."""

    list_display = ["created_at", "actor", "action", "target", "reason"]
    list_filter = ["action", "forum"]
    search_fields = ["target", "reason", "actor__name"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suspension)
class SuspensionAdmin(AnonymityGuard, PeopleByName, admin.ModelAdmin):
    list_display = ["member", "until", "reason", "created_by", "created_at", "is_active"]
    list_filter = ["lifted_at"]
    search_fields = ["member__name", "member__email", "reason"]
    list_select_related = ["member", "created_by"]
    autocomplete_fields = ["member"]
    fields = ["member", "until", "reason"]
    actions = ["lift"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "created_by")

    def get_readonly_fields(self, request, obj=None):
        return ["member", "until", "reason", "created_by", "lifted_at"] if obj else []

    @admin.display(boolean=True, description="active")
    def is_active(self, suspension):
        return suspension.lifted_at is None and suspension.until > timezone.now()

    def save_model(self, request, obj, form, change):
        if change:
            return  # a suspension is never edited; lift it and suspend again
        try:
            created = suspensions.member_suspend(
                member=obj.member, moderator=request.user, until=obj.until, reason=obj.reason
            )
        except ForumError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = created.pk

    @admin.action(description="Lift the selected suspensions (logged)", permissions=["change"])
    def lift(self, request, queryset):
        _run(
            self,
            request,
            queryset.filter(lifted_at__isnull=True),
            lambda s: suspensions.suspension_lift(suspension=s, moderator=request.user),
            "Lifted",
        )
