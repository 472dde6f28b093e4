from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Forums"

    def ready(self):
        # Imported once the app registry is ready: the receivers reach the models through forums.services.
        from forums.receivers import connect

        connect()
