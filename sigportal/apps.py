from django.apps import AppConfig


class SigportalConfig(AppConfig):
    name = "sigportal"
    verbose_name = "Site"

    def ready(self):
        from sigportal import checks  # noqa: F401  (registers the deploy checks)
