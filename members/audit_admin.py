"""
The audit trail in the admin, read-only: who changed what, when, at which address. Shown to those whose permission
set includes it (the Chair, members/roles.py) and superusers. Used by members.admin and the committee's admin.
"""

from django.contrib import admin


class AuditAdmin(admin.ModelAdmin):
    """A read-only list of one audit table, newest first, with the person and the page the change came from."""

    date_hierarchy = "pgh_created_at"
    list_filter = ["pgh_label"]
    list_select_related = ["pgh_context"]
    ordering = ["-pgh_created_at", "-pgh_id"]
    tracked = []

    def get_list_display(self, request):
        return ["pgh_created_at", "pgh_label", *self.tracked, "changed_by", "changed_at_url"]

    @admin.display(description="changed by")
    def changed_by(self, event):
        # The context is what the request said (members.middleware.AuditContextMiddleware); a change made outside
        # a request (a shell, a task, a migration) has none, and says so.
        context = event.pgh_context
        if context is None:
            return "outside the site (shell, task or migration)"
        return context.metadata.get("user") or "nobody logged in"

    @admin.display(description="page")
    def changed_at_url(self, event):
        return event.pgh_context.metadata.get("url", "") if event.pgh_context else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
