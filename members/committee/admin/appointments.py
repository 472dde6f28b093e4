"""Roles, appointments with their change log, and messages to the committee."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.admin_people import PeopleByName
from members.audit_admin import AuditAdmin
from members.committee.models import (
    Appointment,
    AppointmentAudit,
    AppointmentChange,
    CommitteeRole,
    CommitteeRoleAudit,
    ContactMessage,
)
from members.committee.services import appointments
from members.committee.services import contact as contact_service
from members.roles import holds_permission_set


@admin.register(CommitteeRole)
class CommitteeRoleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "seats",
        "default_term_years",
        "order",
        "is_main_contact",
        "permission_set",
    ]
    list_filter = ["permission_set"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)

        class CommitteeRoleForm(base):
            def clean_permission_set(self):
                # A role's rights reach whoever is appointed to it: nobody may hand out rights they do not hold.
                key = self.cleaned_data.get("permission_set")
                if "permission_set" in self.changed_data and not holds_permission_set(request.user, key):
                    raise ValidationError("Only someone who holds these rights may give them to a role.")
                return key

        return CommitteeRoleForm


class CurrentFilter(admin.SimpleListFilter):
    title = "term"
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("past", "Past"), ("future", "Not started yet")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.current(today)
        if self.value() == "past":
            return queryset.past(today)
        if self.value() == "future":
            return queryset.filter(starts_on__gt=today)
        return queryset


class AppointmentChangeInline(admin.TabularInline):
    model = AppointmentChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "action", "summary"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["holder_name", "role", "starts_on", "ends_on", "ended_early_on", "is_current_display"]
    list_filter = [CurrentFilter, "role"]
    search_fields = ["holder_name", "user__email", "user__name"]
    list_select_related = ["role", "user"]
    autocomplete_fields = ["user"]
    fields = ["role", "user", "holder_name", "starts_on", "ends_on", "ended_early_on", "notes"]
    inlines = [AppointmentChangeInline]
    actions = ["end_today"]
    date_hierarchy = "starts_on"

    @admin.display(boolean=True, description="current")
    def is_current_display(self, obj):
        return obj.is_current()

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        # Absent for someone who may only view appointments (the fields are read-only then).
        for name in ("ends_on", "holder_name"):
            if name in base.base_fields:
                base.base_fields[name].required = False

        class AppointmentForm(base):
            def clean(self):
                data = super().clean()
                role, starts_on = data.get("role"), data.get("starts_on")
                if role and not holds_permission_set(request.user, role.permission_set):
                    # An appointment hands the role's rights to its holder.
                    raise ValidationError(f"Only someone who holds the rights of {role} may appoint to it.")
                if role and starts_on and (obj is None or {"role", "starts_on"} & set(self.changed_data)):
                    problem = appointments.seat_problem(role, starts_on, exclude_pk=obj.pk if obj else None)
                    if problem:
                        raise ValidationError(problem)
                return data

        return AppointmentForm

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
            appointments.appointment_update(appointment=obj, by=request.user, **fields)
        else:
            created = appointments.appointment_create(
                role=obj.role,
                user=obj.user,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                notes=obj.notes,
                by=request.user,
            )
            obj.pk = created.pk
            obj.refresh_from_db()

    def delete_model(self, request, obj):
        appointments.appointment_delete(appointment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            appointments.appointment_delete(appointment=obj, by=request.user)

    @admin.action(description="End the selected appointments today (access ends now)", permissions=["change"])
    def end_today(self, request, queryset):
        ended = 0
        for appointment in queryset.current():
            appointments.appointment_end_early(appointment=appointment, by=request.user)
            ended += 1
        self.message_user(request, f"Ended {ended} appointment(s); their access was updated.")


@admin.register(AppointmentAudit)
class AppointmentAuditAdmin(AuditAdmin):
    tracked = ["pgh_obj", "role", "user", "holder_name", "starts_on", "ends_on", "ended_early_on"]


@admin.register(CommitteeRoleAudit)
class CommitteeRoleAuditAdmin(AuditAdmin):
    tracked = ["pgh_obj", "title", "permission_set"]


@admin.register(AppointmentChange)
class AppointmentChangeAdmin(admin.ModelAdmin):
    """The committee's history: who changed which appointment, when. Read-only."""

    list_display = ["changed_at", "action", "holder_name", "role_title", "changed_by"]
    list_filter = ["action", "role_title"]
    search_fields = ["holder_name", "summary"]
    list_select_related = ["changed_by"]
    readonly_fields = [
        "appointment",
        "role_title",
        "holder_name",
        "action",
        "summary",
        "changed_by",
        "changed_at",
    ]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "role_title", "created_at", "handled", "handled_by"]
    list_filter = ["handled", "role_title"]
    search_fields = ["subject", "name", "email", "message"]
    list_select_related = ["handled_by"]
    readonly_fields = [
        "role",
        "role_title",
        "sender",
        "name",
        "email",
        "subject",
        "message",
        "delivered_to",
        "created_at",
        "handled_by",
        "handled_at",
    ]
    fields = readonly_fields[:9] + ["handled", "officer_note", "handled_by", "handled_at"]
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if obj.handled and "handled" in form.changed_data:
            contact_service.contact_message_mark_handled(contact=obj, by=request.user, note=obj.officer_note)
        else:
            if not obj.handled:
                obj.handled_by, obj.handled_at = None, None
            obj.save()

    @admin.action(description="Mark the selected messages as handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        for contact in queryset.filter(handled=False):
            contact_service.contact_message_mark_handled(contact=contact, by=request.user)
        self.message_user(request, "Marked as handled.")
