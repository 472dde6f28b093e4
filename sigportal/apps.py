from django.apps import AppConfig


class SigportalConfig(AppConfig):
    name = "sigportal"
    verbose_name = "Site"
