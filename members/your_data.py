"""
"Your data": everything the portal holds about a member, exported as JSON, and account deletion.

Each app contributes its own part without members importing it: `settings.PERSONAL_DATA_PROVIDERS` lists
dotted module paths, each module having

    export(user) -> dict      JSON-serialisable; becomes the export's section named after the module
    erase(user) -> None       removes or anonymises what the app holds about the member

Deletion anonymises the User row rather than deleting it: other apps' content (forum posts, committee history)
keeps pointing at a row that now reads "Former member", and foreign keys need no special handling. The row
keeps nothing personal: no email, no name, no password, no groups, no email addresses. Officers see one admin
log entry ("Account deleted"), never the data.
"""

import uuid

from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_module

FORMER_MEMBER_NAME = "Former member"
ERASED_EMAIL_DOMAIN = "erased.invalid"  # .invalid never resolves (RFC 2606): no mail can reach it


def providers():
    """The provider modules, in the order settings lists them."""
    return [import_module(path) for path in settings.PERSONAL_DATA_PROVIDERS]


def export_personal_data(user):
    """Everything held about `user`, one section per provider, ready for json.dumps."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "site": settings.SITE_URL,
    }
    for module in providers():
        data[module.__name__] = module.export(user)
    return data


def is_erased(user):
    return user.email.endswith("@" + ERASED_EMAIL_DOMAIN)


def erase_account(user):
    """Erase a member's personal data everywhere and leave an anonymous "Former member" row behind.

    One transaction: every provider erases its part and the account is anonymised, or nothing changes."""
    with transaction.atomic():
        user_id = user.pk
        # Other apps first (their rows may still want to read the user), members' own part last.
        for module in reversed(providers()):
            module.erase(user)
        user.refresh_from_db()
        user.email = f"former-{uuid.uuid4().hex}@{ERASED_EMAIL_DOMAIN}"
        user.name = FORMER_MEMBER_NAME
        user.time_zone = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        LogEntry.objects.create(
            user_id=user_id,
            content_type=ContentType.objects.get_for_model(user),
            object_id=str(user_id),
            object_repr="Account deleted",
            action_flag=DELETION,
            change_message="The member deleted their account; their personal data was erased.",
        )
    return user
