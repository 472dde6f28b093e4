from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    """Institutional sign-in: SAML 2.0 identity providers read from federation metadata, and the identities that
    members have linked to their accounts."""

    name = "members.institutions"
    label = "institutions"
    verbose_name = "Institutional sign-in"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from members.institutions.signals import link_after_login

        user_logged_in.connect(link_after_login, dispatch_uid="institutions-link-after-login")
