from django.core.management.base import BaseCommand

from community365.core.actors import SystemActor
from community365.supervision.services import overdue_sweep


class Command(BaseCommand):
    help = "Flag the special talks' commitments past their deadline and tell the communities' secretaries."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = overdue_sweep(actor=SystemActor("supervision_sweep"))
        self.stdout.write(f"flagged {result['flagged']}")
