"""
Roles as Django groups. Each committee role carries one named permission set declared here; the set is a Django
group holding exactly the permissions listed, so an officer holds exactly their role's rights.

The committee app puts members into their role's group (and the Officers group, for those with admin access) while
they hold an appointment and takes them out when the term ends (members.committee.services.appointments). Every
permission check in the portal asks the functions below rather than reading groups directly.

Who decides what: the sets below are code, reviewed like code. Officers cannot change groups, permissions,
is_staff or is_superuser (members.admin refuses them); only a superuser can, and superusers are made from the
command line (createsuperuser), never by an officer.
"""

from dataclasses import dataclass, field

# Everyone with admin access through a committee role is also in this group. It carries no permissions: it says
# "officer" to the site's own pages (unpublished events, the committee's pages, the officers' digest section).
OFFICERS_GROUP = "Officers"
MODERATORS_GROUP = "Moderators"

# Shorthands for a permission list: every action of a model, or only reading it.
ALL = ("add", "change", "delete", "view")
VIEW = ("view",)
NONE = ()
# Members' credentials (members/credentials): read them, and revoke one with a reason (revoke_credential).
REVOKE_CREDENTIALS = ("view", "revoke")

# The audit trail (members/models/audit.py, members/committee/models/audit.py): the Chair reads it, nobody writes it.
MEMBERS_AUDIT = [
    "useraudit",
    "usergroupaudit",
    "userpermissionaudit",
    "grouppermissionaudit",
    "associationmembershipaudit",
]
COMMITTEE_AUDIT = ["appointmentaudit", "committeeroleaudit"]
# A member's calendar feed token is their secret link: a superuser's (sigportal.admin_site.TECHNICAL_MODELS), not an
# officer's, like taggit's unused Tag table, which no set names.
TECHNICAL_EVENTS = ["calendarfeedtoken"]


@dataclass(frozen=True)
class PermissionSet:
    """A named bundle of rights that a committee role carries."""

    key: str
    group: str
    description: str
    staff: bool  # may log in to the admin
    moderates: bool  # may use the forums' moderation pages
    # {app_label: {model_name or "*": actions}}; "*" means every model of the app, including models added later.
    permissions: dict = field(default_factory=dict)

    def codenames(self, content_types):
        """The (app_label, codename) pairs this set holds, given [(app_label, model)] that exist."""
        pairs = set()
        for app_label, model in content_types:
            rules = self.permissions.get(app_label, {})
            actions = rules.get(model, rules.get("*", ()))
            pairs.update((app_label, f"{action}_{model}") for action in actions)
        return pairs


CHAIR = "chair"
MEMBERSHIP = "membership"
EVENTS = "events"
COMMUNICATIONS = "communications"
COMMITTEE = "committee"
MODERATOR = "moderator"

# The committee's rights, role by role. Nobody but a superuser holds rights over auth (users' permissions, groups),
# sites, allauth's email addresses, taggit's tags, calendar feed tokens or the periodic-task schedule
# (django_celery_beat can run any registered task).
PERMISSION_SETS = {
    s.key: s
    for s in [
        PermissionSet(
            key=CHAIR,
            group="Chair",
            description="Leads the committee: everything the other officers do, the committee's roles and "
            "elections, the About page, and the audit trail of officers' changes.",
            staff=True,
            moderates=True,
            permissions={
                "committee": {"*": ALL, **dict.fromkeys(COMMITTEE_AUDIT, VIEW)},
                "members": {"*": ALL, **dict.fromkeys(MEMBERS_AUDIT, VIEW)},
                "mailing": {"*": ALL},
                "events": {"*": ALL, **dict.fromkeys(TECHNICAL_EVENTS, NONE)},
                "forums": {"*": ALL},
                "flatpages": {"*": ALL},
                # Credentials are issued by the portal and never edited; revoking one is the only officer's act.
                "credentials": {"credential": REVOKE_CREDENTIALS},
                # The admin's own log of who changed what.
                "admin": {"logentry": VIEW},
            },
        ),
        PermissionSet(
            key=MEMBERSHIP,
            group="Membership secretary",
            description="Members' accounts, profiles and association membership claims, organisations, "
            "principles and sub-groups.",
            staff=True,
            moderates=False,
            permissions={
                "members": {"*": ALL, **dict.fromkeys(MEMBERS_AUDIT, NONE)},
                "committee": {"committeerole": VIEW, "appointment": VIEW},
                "credentials": {"credential": REVOKE_CREDENTIALS},
            },
        ),
        PermissionSet(
            key=EVENTS,
            group="Events officer",
            description="Events, webinars and programmes, registrations and attendance.",
            staff=True,
            moderates=False,
            permissions={
                "events": {"*": ALL, **dict.fromkeys(TECHNICAL_EVENTS, NONE)},
                "members": {"organisation": VIEW, "subgroup": VIEW},
            },
        ),
        PermissionSet(
            key=COMMUNICATIONS,
            group="Communications officer",
            description="The mailing list and its announcements, the About page, and how the forums are arranged; "
            "moderates the forums.",
            staff=True,
            moderates=True,
            permissions={
                "mailing": {"*": ALL},
                "flatpages": {"*": ALL},
                "forums": {"*": ALL},
            },
        ),
        PermissionSet(
            key=COMMITTEE,
            group="Committee member",
            description="A committee seat without a portfolio: reads the committee's records and the events.",
            staff=True,
            moderates=False,
            permissions={
                "committee": {"committeerole": VIEW, "appointment": VIEW, "nominationcall": VIEW, "election": VIEW},
                "events": {"*": VIEW, **dict.fromkeys(TECHNICAL_EVENTS, NONE)},
            },
        ),
        PermissionSet(
            key=MODERATOR,
            group=MODERATORS_GROUP,
            description="Moderates the forums on the site; no admin access.",
            staff=False,
            moderates=True,
        ),
    ]
}
PERMISSION_SET_CHOICES = [(s.key, s.group) for s in PERMISSION_SETS.values()]
STAFF_PERMISSION_SETS = [s.key for s in PERMISSION_SETS.values() if s.staff]
ROLE_GROUPS = {OFFICERS_GROUP, *(s.group for s in PERMISSION_SETS.values())}
CHAIR_GROUP = PERMISSION_SETS[CHAIR].group


def groups_for(keys):
    """The group names that holding the permission sets `keys` puts a person in."""
    sets = [PERMISSION_SETS[k] for k in keys if k in PERMISSION_SETS]
    names = {s.group for s in sets}
    if any(s.staff for s in sets):
        names.add(OFFICERS_GROUP)
    if any(s.moderates for s in sets):
        names.add(MODERATORS_GROUP)
    return names


def is_officer(user):
    """A committee officer: manages the group in the admin."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _in_group(user, OFFICERS_GROUP)


def is_moderator(user):
    """Moderates the forums: holds a permission set that moderates (members of Moderators), or a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _in_group(user, MODERATORS_GROUP)


def is_chair(user):
    """Reads the audit trail: the Chair, or a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _in_group(user, CHAIR_GROUP)


def holds_permission_set(user, key):
    """Whether `user` already holds every right of set `key`: nobody hands out rights they do not hold."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or not key:
        return True
    from django.contrib.auth.models import Permission

    permission_set = PERMISSION_SETS[key]
    needed = Permission.objects.filter(group__name=permission_set.group).values_list(
        "content_type__app_label", "codename"
    )
    held = user.get_all_permissions()
    if permission_set.staff and not user.is_staff:
        return False
    if permission_set.moderates and not is_moderator(user):
        return False
    return all(f"{app}.{codename}" in held for app, codename in needed)


def _in_group(user, name):
    # Cached on the user object for the request: templates ask several times per page.
    cache = getattr(user, "_group_names", None)
    if cache is None:
        cache = frozenset(user.groups.values_list("name", flat=True))
        user._group_names = cache  # kept with the member between their pages too (members.viewer)
    return name in cache


def sync_role_groups(sender=None, apps=None, **kwargs):
    """
    Create the role groups and give each exactly its set's permissions (extra ones, added by hand, are removed).
    Runs after every migrate (members.apps) and from the data migration that introduced the sets.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    all_perms = list(Permission.objects.select_related("content_type"))
    by_pair = {(p.content_type.app_label, p.codename): p for p in all_perms}
    content_types = {(p.content_type.app_label, p.content_type.model) for p in all_perms}
    officers, _ = Group.objects.get_or_create(name=OFFICERS_GROUP)
    officers.permissions.clear()
    for permission_set in PERMISSION_SETS.values():
        group, _ = Group.objects.get_or_create(name=permission_set.group)
        wanted = [by_pair[pair] for pair in permission_set.codenames(content_types) if pair in by_pair]
        group.permissions.set(wanted)


def grant_permission_set(user, key):
    """Put `user` in the groups of permission set `key` by hand (demo data and tests; appointments sync)."""
    from django.contrib.auth.models import Group

    for name in groups_for([key]):
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    if PERMISSION_SETS[key].staff and not user.is_staff:
        type(user).objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    user.__dict__.pop("_group_names", None)
