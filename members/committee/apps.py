from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    """Committee roles and terms, contact, calls for nominations, nominations and elections."""

    name = "members.committee"
    label = "committee"
    verbose_name = "Committee"
