from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self):
        from allauth.mfa.signals import authenticator_added, authenticator_used
        from django.db.models.signals import post_migrate

        from members.roles import sync_role_groups
        from members.second_factor import on_authenticator_added, on_authenticator_used

        # After every migrate: the role groups exist and carry the permissions declared in members/roles.py.
        post_migrate.connect(sync_role_groups, sender=self)
        # The admin and the moderation pages open only to a session that has shown a second factor.
        authenticator_used.connect(on_authenticator_used, dispatch_uid="members.second_factor.used")
        authenticator_added.connect(on_authenticator_added, dispatch_uid="members.second_factor.added")
