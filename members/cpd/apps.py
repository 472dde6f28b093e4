from django.apps import AppConfig


class CpdConfig(AppConfig):
    """CPD portfolios: recorded and own entries, summaries for CMALT, exports and share links."""

    name = "members.cpd"
    label = "cpd"
    verbose_name = "CPD portfolios"
