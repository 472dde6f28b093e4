from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class SigportalConfig(AppConfig):
    name = "sigportal"
    verbose_name = "Site"

    def ready(self):
        from django.db.backends.signals import connection_created

        from sigportal import checks  # noqa: F401  (registers the deploy checks)
        from sigportal.page_cache import install_write_watch

        connection_created.connect(install_write_watch, dispatch_uid="sigportal.page_cache")
        post_migrate.connect(site_from_settings, sender=self, dispatch_uid="sigportal.site_from_settings")


def site_from_settings(using="default", **kwargs):
    """The Sites row allauth's emails and the About page use says who the group is (SIG_SHORT_NAME, SITE_URL),
    never Django's "example.com". Runs after every `migrate`, so a change of either setting reaches it."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_URL.split("://", 1)[-1].rstrip("/"), "name": settings.SIG_SHORT_NAME},
    )


class OfficersAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the officers' site (sigportal.admin_site) as `admin.site`."""

    default = False  # sigportal's own app is SigportalConfig; this one is named in INSTALLED_APPS

    default_site = "sigportal.admin_site.OfficersAdminSite"
