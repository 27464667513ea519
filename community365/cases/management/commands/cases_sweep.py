"""Mark overdue mediation cases, remind follow-ups due and the clinic's bookings of tomorrow."""

from django.core.management.base import BaseCommand

from community365.cases.tasks import sweep


class Command(BaseCommand):
    help = "Mediation overdue/follow-up notices and clinic reminders for tomorrow's sessions."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = sweep.call()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.items()))
