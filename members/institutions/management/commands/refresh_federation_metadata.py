from django.core.management.base import BaseCommand, CommandError

from members.institutions.errors import MetadataError
from members.institutions.metadata import federation_metadata_refresh


class Command(BaseCommand):
    help = "Reads the federation metadata (SAML_FEDERATION_METADATA), checks its signature and stores its institutions."

    def handle(self, *args, **options):
        try:
            result = federation_metadata_refresh()
        except MetadataError as exc:
            raise CommandError(str(exc)) from exc
        state = "updated" if result.changed else "unchanged"
        self.stdout.write(f"Federation metadata {state}: {result.providers} identity providers.")
