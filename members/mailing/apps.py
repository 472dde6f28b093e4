from django.apps import AppConfig


class MailingConfig(AppConfig):
    """The mailing list: subscriptions, digests and their archive, announcements, delivery and bounces."""

    name = "members.mailing"
    label = "mailing"
    verbose_name = "Mailing list"
