from django.core.management.base import BaseCommand

from community365.core.actors import SystemActor
from community365.mechanisms.services import overdue_sweep


class Command(BaseCommand):
    help = "Flag the secretary projects' tasks past their deadline and tell their secretaries."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = overdue_sweep(actor=SystemActor("mechanisms_sweep"))
        self.stdout.write(f"flagged {result['flagged']}")
