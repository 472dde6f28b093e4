"""
The officers' admin: one site for the whole portal, opening on what needs doing (sigportal.workspace) and listing
its models by the group's work (Membership, Committee, Events, ...) rather than by Django app.

The technical models (the periodic-task schedule, sites, taggit's tags, calendar feed tokens, allauth's email and
second-factor records) are a superuser's: their admins are made superuser-only as they are registered, whatever the
permissions a group holds, so an officer neither sees nor opens them (403).

Installed through sigportal.apps.OfficersAdminConfig in place of django.contrib.admin, so `admin.site` everywhere is
this site.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models.base import ModelBase

from members.admin_people import person_label

# The group's work, in the order officers meet it. Every registered model appears in exactly one group
# (tests/sigportal/test_workspace.py checks that a new admin is placed); one not named here lands in Administration.
GROUPS = [
    (
        "membership",
        "Membership",
        [
            "members.User",
            "members.AssociationMembership",
            "members.Profile",
            "members.Organisation",
            "members.SubGroup",
            "members.ExpertiseTag",
            "members.PrinciplesVersion",
            "credentials.Credential",
            "institutions.InstitutionalIdentity",
        ],
    ),
    (
        "committee",
        "Committee",
        [
            "committee.Nomination",
            "committee.NominationCall",
            "committee.Election",
            "committee.Appointment",
            "committee.CommitteeRole",
            "committee.ContactMessage",
            "committee.AppointmentChange",
        ],
    ),
    (
        "events",
        "Events",
        ["events.Event", "events.Registration", "events.Series", "events.SessionRole", "events.EmailReceipt"],
    ),
    (
        "forums",
        "Forums",
        [
            "forums.Post",
            "forums.Report",
            "forums.Topic",
            "forums.Forum",
            "forums.Suspension",
            "forums.ModerationLogEntry",
        ],
    ),
    (
        "mailing",
        "Mailing list",
        ["mailing.Announcement", "mailing.Subscriber", "mailing.DigestIssue", "mailing.Delivery"],
    ),
    (
        "administration",
        "Administration",
        [
            "members.OutboxEmail",
            "flatpages.FlatPage",
            "auth.Group",
            "admin.LogEntry",
            "members.UserAudit",
            "members.UserGroupAudit",
            "members.UserPermissionAudit",
            "members.GroupPermissionAudit",
            "members.AssociationMembershipAudit",
            "committee.AppointmentAudit",
            "committee.CommitteeRoleAudit",
        ],
    ),
]
FALLBACK_GROUP = "administration"

# Superusers only. Celery beat's schedule can run any registered task with any arguments; Sites and allauth's
# records are the login's plumbing; taggit's own Tag table is unused by the portal (expertise has its own tags);
# a calendar feed token is a member's secret link.
TECHNICAL_GROUP = ("technical", "Technical (superusers only)")
TECHNICAL_MODELS = frozenset(
    {
        "django_celery_beat.ClockedSchedule",
        "django_celery_beat.CrontabSchedule",
        "django_celery_beat.IntervalSchedule",
        "django_celery_beat.PeriodicTask",
        "django_celery_beat.SolarSchedule",
        "sites.Site",
        "taggit.Tag",
        "events.CalendarFeedToken",
        "account.EmailAddress",
        "mfa.Authenticator",
        # The federation's identity providers and metadata come from the signed federation document (daily refresh).
        "institutions.IdentityProvider",
        "institutions.FederationMetadata",
    }
)


class SuperusersOnly:
    """Mixed into a technical model's admin: nobody but a superuser sees or opens it, whatever groups say."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args, **kwargs):
        return request.user.is_active and request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser and super().has_delete_permission(request, obj)


class PeopleAutocompleteJsonView(AutocompleteJsonView):
    """
    Choosing a person (an event's host, an appointment's holder): each result reads "Name — email — organisation",
    so three members called the same are told apart. An officer who may edit the form may search the people in
    it even without the members list (the events officer choosing a host).
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if self._is_people():
            queryset = queryset.select_related("profile__organisation")
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if self._is_people():
            result["text"] = person_label(obj)
        return result

    def has_perm(self, request, obj=None):
        if super().has_perm(request, obj):
            return True
        if not self._is_people():
            return False
        source_admin = self.admin_site._registry.get(self.source_field.model)
        if source_admin is None:
            # A field on an inline's model: the admin of the model it is edited from decides.
            return False
        return source_admin.has_change_permission(request) or source_admin.has_add_permission(request)

    def _is_people(self):
        from django.contrib.auth import get_user_model

        return self.model_admin.model is get_user_model()


class OfficersAdminSite(admin.AdminSite):
    site_header = f"{settings.SIG_SHORT_NAME} officers"
    site_title = f"{settings.SIG_SHORT_NAME} admin"
    index_title = "Run the group"
    index_template = "admin/workspace.html"
    # The sidebar of every model took 300 px of a 1280 px screen and cut lists off; the workspace lists them all
    # by the group's work, one click away through "Home" in the breadcrumbs.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        for model in models:
            model_admin = admin_class or admin.ModelAdmin
            if model._meta.label in TECHNICAL_MODELS and not issubclass(model_admin, SuperusersOnly):
                model_admin = type(model_admin.__name__, (SuperusersOnly, model_admin), {"__module__": __name__})
            super().register(model, model_admin, **options)

    def autocomplete_view(self, request):
        return PeopleAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_app_list(self, request, app_label=None):
        """The models by the group's work; an app's own page (/admin/events/) keeps Django's list of that app."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        by_label = {}
        for app in self._build_app_dict(request).values():
            for model in app["models"]:
                by_label[model["model"]._meta.label] = model
        placed = {label for _key, _name, labels in GROUPS for label in labels} | TECHNICAL_MODELS
        groups = []
        for key, name, labels in [*GROUPS, (*TECHNICAL_GROUP, sorted(TECHNICAL_MODELS))]:
            if key == FALLBACK_GROUP:
                labels = [*labels, *sorted(set(by_label) - placed)]
            models = [by_label[label] for label in labels if label in by_label]
            if models:
                groups.append(
                    {
                        "name": name,
                        "app_label": key,
                        "app_url": "",
                        "has_module_perms": True,
                        "models": models,
                    }
                )
        return groups

    def index(self, request, extra_context=None):
        from sigportal.workspace import workspace_for

        return super().index(request, {"workspace": workspace_for(request, self), **(extra_context or {})})
