from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self):
        from django.db.models.signals import post_migrate

        from members.roles import sync_role_groups

        # After every migrate: the role groups exist and carry the permissions declared in members/roles.py.
        post_migrate.connect(sync_role_groups, sender=self)
