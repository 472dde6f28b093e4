import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from members.admin_people import PeopleByName
from members.audit_admin import AuditAdmin
from members.membership import MembershipError, membership_reject, membership_verify
from members.models import (
    AssociationMembership,
    AssociationMembershipAudit,
    ExpertiseTag,
    GroupPermissionAudit,
    Organisation,
    OutboxEmail,
    PrinciplesVersion,
    Profile,
    SubGroup,
    SubGroupMembership,
    User,
    UserAudit,
    UserGroupAudit,
    UserPermissionAudit,
)
from members.models.principles import FINAL_ONCE_PUBLISHED
from members.outbox import emails_send_again
from members.principles import PrinciplesError, principles_version_publish
from members.text import csv_safe


class EmailVerifiedFilter(admin.SimpleListFilter):
    title = "email verified"
    parameter_name = "email_verified"

    def lookups(self, request, model_admin):
        return [("yes", "Verified"), ("no", "Not verified")]

    def queryset(self, request, queryset):
        verified = Q(emailaddress__verified=True)
        if self.value() == "yes":
            return queryset.filter(verified).distinct()
        if self.value() == "no":
            return queryset.exclude(pk__in=User.objects.filter(verified).values("pk"))
        return queryset


class MembershipStatusFilter(admin.SimpleListFilter):
    title = "association membership"
    parameter_name = "membership"

    def lookups(self, request, model_admin):
        return [("none", "None claimed"), *AssociationMembership.Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(
                Q(association_membership__isnull=True) | Q(association_membership__kind=AssociationMembership.Kind.NONE)
            )
        if value in AssociationMembership.Status.values:
            return queryset.filter(association_membership__status=value).exclude(
                association_membership__kind=AssociationMembership.Kind.NONE
            )
        return queryset


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = [
        "pronouns",
        "job_title",
        "organisation",
        "region",
        "bio",
        "expertise",
        ("website", "linkedin"),
        ("mastodon", "bluesky"),
        "photo",
        "show_in_directory",
        ("share_organisation", "share_region", "share_bio", "share_links", "share_photo"),
    ]


class AssociationMembershipInline(admin.StackedInline):
    model = AssociationMembership
    fk_name = "user"
    can_delete = False
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["verified_by", "verified_at", "created_at"]


# Fields that give or take away access: only a superuser may change them.
PROTECTED_USER_FIELDS = {"is_staff", "is_superuser", "groups", "user_permissions"}


CSV_COLUMNS = [
    "name",
    "email",
    "joined",
    "email verified",
    "region",
    "organisation",
    "job title",
    "listed in directory",
    "association membership",
    "membership status",
    "membership organisation",
    "membership expires",
]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["name", "email"]
    # Whether an account is active is a filter, not a column: with it the list was cut off at 1280 px.
    list_display = ["email", "name", "region", "membership_status", "is_staff", "date_joined"]
    list_filter = [
        MembershipStatusFilter,
        EmailVerifiedFilter,
        ("profile__region", admin.ChoicesFieldListFilter),
        ("profile__organisation", admin.RelatedOnlyFieldListFilter),
        ("date_joined", admin.DateFieldListFilter),
        "is_staff",
        "is_active",
        "groups",
    ]
    search_fields = ["email", "name", "profile__job_title", "profile__organisation__name"]
    readonly_fields = ["last_login", "date_joined"]
    list_select_related = ["profile", "association_membership"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal", {"fields": ["name", "time_zone"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]
    filter_horizontal = ["groups", "user_permissions"]
    inlines = [ProfileInline, AssociationMembershipInline]
    actions = ["export_csv"]
    change_list_template = "admin/members/user/change_list.html"

    @admin.display(description="region", ordering="profile__region")
    def region(self, user):
        profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
        return profile.get_region_display() if profile and profile.region else "-"

    @admin.display(description="association membership", ordering="association_membership__status")
    def membership_status(self, user):
        membership = getattr(user, "association_membership", None) if hasattr(user, "association_membership") else None
        if membership is None or membership.kind == AssociationMembership.Kind.NONE:
            return "-"
        return f"{membership.get_kind_display()} ({membership.get_status_display()})"

    @admin.action(
        description="Export the selected members as CSV (tick 'select all' for the whole filtered list)",
        permissions=["view"],
    )
    def export_csv(self, request, queryset):
        queryset = queryset.select_related("profile__organisation", "association_membership__organisation").annotate(
            verified_emails=Count("emailaddress", filter=Q(emailaddress__verified=True))
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="members-{timezone.localdate().isoformat()}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for user in queryset.order_by("name", "email"):
            profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
            membership = user.association_membership if hasattr(user, "association_membership") else None
            row = [
                user.name,
                user.email,
                user.date_joined.date().isoformat(),
                "yes" if user.verified_emails else "no",
                profile.get_region_display() if profile and profile.region else "",
                profile.organisation.name if profile and profile.organisation else "",
                profile.job_title if profile else "",
                "yes" if profile and profile.show_in_directory else "no",
                membership.get_kind_display() if membership else "",
                membership.get_status_display() if membership and membership.kind != "none" else "",
                membership.organisation.name if membership and membership.organisation else "",
                membership.expires_on.isoformat() if membership and membership.expires_on else "",
            ]
            writer.writerow([csv_safe(v) for v in row])
        return response

    # --- Only a superuser hands out access --------------------------------------------------------------------
    # Officers manage people, not the permission system: the access fields are left out of their form (so a
    # forged POST of is_superuser=on is not even read), save_model refuses a change that slips through anyway,
    # and the accounts of officers and superusers are read-only to them (changing one's email or password would
    # take over their rights).

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in PROTECTED_USER_FIELDS]})
            for name, options in fieldsets
        ]

    def lookup_allowed(self, lookup, value, request=None):
        # Only the user's own columns and the declared filters: a lookup through another app's relation
        # (?forum_posts=<id>) would name the author of an anonymous post, which the members list must never do.
        first = lookup.split("__", 1)[0]
        try:
            field = User._meta.get_field(first)
        except FieldDoesNotExist:
            return super().lookup_allowed(lookup, value, request)
        if field.auto_created and not field.concrete:
            declared = {f if isinstance(f, str) else f[0] for f in self.list_filter if not isinstance(f, type)}
            if not any(lookup == d or lookup.startswith(d + "__") for d in declared):
                return False
        return super().lookup_allowed(lookup, value, request)

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return self.list_filter
        return [f for f in self.list_filter if f not in PROTECTED_USER_FIELDS]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_superuser or obj.is_staff):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_superuser or obj.is_staff):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            before = User.objects.filter(pk=obj.pk).first() if change else None
            if before is None:
                if obj.is_superuser or obj.is_staff:
                    raise PermissionDenied
            elif obj.is_superuser != before.is_superuser or obj.is_staff != before.is_staff:
                raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not request.user.is_superuser and {"groups", "user_permissions"} & set(form.changed_data):
            raise PermissionDenied
        super().save_related(request, form, formsets, change)

    def get_urls(self):
        return [
            path(
                "by-region/",
                self.admin_site.admin_view(self.membership_report_view),
                name="members_user_membership_report",
            ),
            *super().get_urls(),
        ]

    def membership_report_view(self, request):
        """Members counted by region and by organisation: where the group is concentrated, whom to reach."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        from members.statistics import membership_by_organisation, membership_by_region

        context = {
            **self.admin_site.each_context(request),
            "title": "Membership by region and organisation",
            "opts": self.model._meta,
            "regions": membership_by_region(),
            "organisations": membership_by_organisation(),
        }
        return TemplateResponse(request, "admin/members/user/membership_report.html", context)


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the member reads this in the email)",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )


@admin.register(UserAudit)
class UserAuditAdmin(AuditAdmin):
    tracked = ["pgh_obj", "email", "name", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]


@admin.register(UserGroupAudit)
class UserGroupAuditAdmin(AuditAdmin):
    tracked = ["user", "group"]
    list_select_related = ["pgh_context", "user", "group"]


@admin.register(UserPermissionAudit)
class UserPermissionAuditAdmin(AuditAdmin):
    tracked = ["user", "permission"]


@admin.register(GroupPermissionAudit)
class GroupPermissionAuditAdmin(AuditAdmin):
    tracked = ["group", "permission"]


@admin.register(AssociationMembershipAudit)
class AssociationMembershipAuditAdmin(AuditAdmin):
    tracked = ["user", "kind", "status", "verified_by", "verified_at", "expires_on"]


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """
    Groups are the committee's permission sets (members/roles.py), rewritten from code after every migrate.
    Only a superuser may edit them, and even a superuser only grants permissions they hold (all of them).
    """

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(AssociationMembership)
class AssociationMembershipAdmin(PeopleByName, admin.ModelAdmin):
    # Who verified and when share a column: as two, the list was cut off at 1280 px.
    list_display = [
        "user",
        "kind",
        "organisation",
        "proposed_organisation",
        "membership_number",
        "status",
        "expires_on",
        "verified",
    ]
    list_filter = ["status", "kind", "verified_by_institution", "organisation"]
    search_fields = ["user__email", "user__name", "membership_number", "user__profile__proposed_organisation"]
    list_select_related = ["user", "user__profile", "organisation", "verified_by"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["verified_by", "verified_at", "verified_by_institution", "created_at", "proposed_organisation"]

    @admin.display(description="organisation named by the member")
    def proposed_organisation(self, obj):
        """An organisation the member typed because it was not in the list: add it to Organisations if genuine."""
        profile = getattr(obj.user, "profile", None)
        return (profile.proposed_organisation if profile else "") or "-"

    actions = ["verify", "reject_with_reason"]

    @admin.display(description="verified", ordering="verified_at")
    def verified(self, obj):
        if obj.verified_by_institution:
            return "verified by institution"
        if obj.verified_at is None:
            return "-"
        by = obj.verified_by.name if obj.verified_by else "an officer"
        return f"{timezone.localtime(obj.verified_at):%-d %b %Y} by {by}"

    @admin.action(description="Verify the selected claims (emails each member)", permissions=["change"])
    def verify(self, request, queryset):
        done = 0
        for membership in list(queryset.select_related("user")):
            try:
                membership_verify(membership=membership, officer=request.user)
                done += 1
            except MembershipError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        self.message_user(request, f"Verified {done} membership claim(s); each member was emailed.")

    @admin.action(description="Reject the selected claims with a reason (emails each member)", permissions=["change"])
    def reject_with_reason(self, request, queryset):
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            # Evaluated once: the changelist's filter (e.g. "unverified") no longer matches them afterwards.
            claims = list(queryset.select_related("user"))
            for membership in claims:
                membership_reject(membership=membership, officer=request.user, reason=form.cleaned_data["reason"])
            self.message_user(request, f"Rejected {len(claims)} membership claim(s); each member was emailed.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject membership claims",
            "opts": self.model._meta,
            "queryset": queryset.select_related("user", "organisation"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/members/associationmembership/reject.html", context)


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """
    The admin log, read-only: who changed what, and which accounts were deleted (no data). Read by those whose
    permission set includes it (the Chair), like any other admin page.
    """

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change_message"]
    list_filter = ["action_flag", ("content_type", admin.RelatedOnlyFieldListFilter), "action_time"]
    search_fields = ["object_repr", "change_message"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PrinciplesVersion)
class PrinciplesVersionAdmin(admin.ModelAdmin):
    """A published version is shown read-only and cannot be deleted (members.models.principles): a change is a new
    version, which starts as a copy of the current text."""

    list_display = ["number", "title", "published_at"]
    actions = ["publish"]
    readonly_fields = ["published_at"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.is_published:
            return ["how_to_change", *(f for f in fields if f != "how_to_change")]
        return [f for f in fields if f != "how_to_change"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return [*FINAL_ONCE_PUBLISHED, "how_to_change"]
        return self.readonly_fields

    @admin.display(description="Published versions are final")
    def how_to_change(self, obj):
        return (
            "Members accepted this text as it stands, so it cannot be edited or deleted. To change it, add a new "
            "version (it starts from the current text) and publish it: every member is asked to accept it."
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk delete would reach published versions; drafts are deleted one at a time from their page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        latest = PrinciplesVersion.objects.order_by("-number").first()
        current = PrinciplesVersion.objects.current()
        initial.setdefault("number", (latest.number + 1) if latest else 1)
        if current is not None:
            initial.setdefault("title", current.title)
            initial.setdefault("body", current.body)
        return initial

    @admin.action(description="Publish the selected version (members are asked to accept it)", permissions=["change"])
    def publish(self, request, queryset):
        published = []
        for version in queryset.order_by("number"):
            try:
                principles_version_publish(version_id=version.pk)
            except PrinciplesError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                published.append(str(version.number))
        if published:
            self.message_user(
                request,
                f"Published version {', '.join(published)}: members are asked to accept it before taking part "
                "and at their next log-in.",
            )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_association_member", "trust_email_domains"]
    list_filter = ["is_association_member", "trust_email_domains"]
    search_fields = ["name", "email_domains", "saml_entity_ids", "entra_tenant_ids", "google_domains"]

    # Entra and Google send no affiliation: listing a tenant or domain counts all its accounts as staff
    # (members.institutions.services.OIDC_TENANT_AFFILIATIONS). Said here, where the officer decides.
    OIDC_HELP = {
        "entra_tenant_ids": "Its Entra ID (Azure AD) tenant ids, one per line. Everyone who logs in with an account "
        "of a tenant listed here has their membership verified as this organisation's staff: list only tenants that "
        "hold staff accounts (a university tenant with students belongs to SAML).",
        "google_domains": "Its Google Workspace domains, one per line. Everyone who logs in with an account of a "
        "domain listed here has their membership verified as this organisation's staff: list only staff domains.",
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.OIDC_HELP and field is not None:
            field.help_text = self.OIDC_HELP[db_field.name]
        return field


@admin.register(Profile)
class ProfileAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["user", "job_title", "organisation", "region", "show_in_directory", "updated_at"]
    list_filter = ["show_in_directory", "region", ("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__name", "user__email", "job_title", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(ExpertiseTag)
class ExpertiseTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "profile_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(profile_count=Count("tagged_profiles"))

    @admin.display(description="members", ordering="profile_count")
    def profile_count(self, tag):
        return tag.profile_count


class SubGroupMembershipInline(PeopleByName, admin.TabularInline):
    model = SubGroupMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(SubGroup)
class SubGroupAdmin(PeopleByName, admin.ModelAdmin):
    list_display = ["name", "convenor", "member_count", "created_at"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["convenor"]
    inlines = [SubGroupMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("convenor").annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, group):
        return group.member_count


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """Every email the portal sends but list mail: officers see what failed and send it again."""

    list_display = ["created_at", "to", "subject_or_kind", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "build"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was sent; "send again" is the only change

    @admin.display(description="email", ordering="subject")
    def subject_or_kind(self, obj):
        return obj.subject or obj.build.rsplit(".", 1)[-1].replace("_", " ")

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description="Send again (failed or no longer needed)", permissions=["view"])
    def send_again(self, request, queryset):
        count = emails_send_again(queryset)
        self.message_user(request, f"{count} email(s) will be sent again." if count else "Nothing to send again.")
