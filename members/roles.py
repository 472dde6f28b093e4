"""
Roles as Django groups. Officers (the committee) manage the portal in the admin; moderators run the forums.

The committee issue puts members into these groups while they hold an appointment and takes them out when the
term ends; every permission check in the portal asks the functions below rather than reading groups directly.
"""

OFFICERS_GROUP = "Officers"
MODERATORS_GROUP = "Moderators"

# Which apps' model permissions each group holds. Synced after every migrate (members.apps), so a new model's
# permissions reach the group without a hand-written data migration.
GROUP_APP_PERMISSIONS = {
    OFFICERS_GROUP: [
        "members",
        "committee",
        "mailing",
        "events",
        "forums",
        "flatpages",
        "sites",
        "django_celery_beat",
        "taggit",
    ],
    MODERATORS_GROUP: [],
}
# Officers manage people and content but not the permission system itself.
OFFICER_EXCLUDED_CODENAMES = {"add_permission", "change_permission", "delete_permission"}


def is_officer(user):
    """A committee officer: manages the group in the admin."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _in_group(user, OFFICERS_GROUP)


def is_moderator(user):
    """Moderates the forums: a moderator, an officer, or a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _in_group(user, MODERATORS_GROUP) or _in_group(user, OFFICERS_GROUP)


def _in_group(user, name):
    # Cached on the user object for the request: templates ask several times per page.
    cache = getattr(user, "_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._group_names = cache
    return name in cache


def sync_role_groups(sender=None, **kwargs):
    """Create the role groups and give them the permissions of their apps."""
    from django.contrib.auth.models import Group, Permission

    for group_name, app_labels in GROUP_APP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        if app_labels:
            perms = Permission.objects.filter(content_type__app_label__in=app_labels).exclude(
                codename__in=OFFICER_EXCLUDED_CODENAMES
            )
            group.permissions.add(*perms)
