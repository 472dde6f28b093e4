from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    """Committee roles and terms, contact, calls for nominations, nominations and elections."""

    name = "members.committee"
    label = "committee"
    verbose_name = "Committee"

    def ready(self):
        # Imported once the app registry is ready: the receivers reach the models through the services.
        from members.committee.receivers import connect

        connect()
