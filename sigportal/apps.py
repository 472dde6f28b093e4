from django.apps import AppConfig


class SigportalConfig(AppConfig):
    name = "sigportal"
    verbose_name = "Site"

    def ready(self):
        from django.db.backends.signals import connection_created

        from sigportal import checks  # noqa: F401  (registers the deploy checks)
        from sigportal.page_cache import install_write_watch

        connection_created.connect(install_write_watch, dispatch_uid="sigportal.page_cache")
