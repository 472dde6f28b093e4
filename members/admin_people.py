"""
People chosen in the admin (an event's host, an appointment's holder, a suspended member) are shown as
"Name — email — organisation", never as a bare id or a name alone: three members called Eilidh are told apart.
The autocomplete's results use the same label (sigportal.admin_site.PeopleAutocompleteJsonView).
"""

from django.contrib.auth import get_user_model


def person_label(user):
    """'Name — email — organisation' (the organisation only when the profile names one)."""
    parts = [user.name or "(no name)", user.email]
    profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
    if profile is not None and profile.organisation_id:
        parts.append(profile.organisation.name)
    return " — ".join(parts)


class PeopleByName:
    """Mixed into a ModelAdmin or inline: every choice of a person carries the label above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.remote_field.model is get_user_model():
            field.queryset = field.queryset.select_related("profile__organisation")
            field.label_from_instance = person_label
        return field
