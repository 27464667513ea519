"""Print the Open311 key of a client system (issuing it first if the district has none by that
name): ``python manage.py open311_key demo`` prints the key only."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from community365.core.actors import SystemActor
from community365.desk import services
from community365.desk.models import Open311Client
from community365.regions.models import Region, RegionKind


class Command(BaseCommand):
    help = "Print (issuing if needed) the Open311 api_key of a client system"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name")
        parser.add_argument("--district", default="", help="the district's region code (default: the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        client = Open311Client.objects.filter(name=name).first()
        if client is not None:
            self.stdout.write(services.open311_key_of(client))
            return
        districts = Region.objects.filter(kind=RegionKind.DISTRICT)
        district = (
            districts.filter(code=options["district"]).first()
            if options["district"]
            else districts.order_by("id").first()
        )
        if district is None:
            raise CommandError("no such district")
        try:
            _client, key = services.open311_client_issue(
                actor=SystemActor("open311_key"), district=district, name=name
            )
        except Exception as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(key)
