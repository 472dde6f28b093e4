from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    """Open Badges 3.0 credentials for what members did (attendance, presenting, committee terms), and their checks."""

    name = "members.credentials"
    label = "credentials"
    verbose_name = "Verifiable credentials"

    def ready(self):
        from members.credentials import checks  # noqa: F401  (registers the deploy check)
