from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SigportalConfig(AppConfig):
    name = "sigportal"
    verbose_name = "Site"

    def ready(self):
        from django.db.backends.signals import connection_created

        from sigportal import checks  # noqa: F401  (registers the deploy checks)
        from sigportal.page_cache import install_write_watch

        connection_created.connect(install_write_watch, dispatch_uid="sigportal.page_cache")


class OfficersAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the officers' site (sigportal.admin_site) as `admin.site`."""

    default = False  # sigportal's own app is SigportalConfig; this one is named in INSTALLED_APPS

    default_site = "sigportal.admin_site.OfficersAdminSite"
