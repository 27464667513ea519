"""The first step of a real deployment: create the district (the root of the tree) and its
first district admin, as the named system actor. There is no default account: the password is
asked for (or read from the environment variable named by --password-env)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from community365.core.actors import SystemActor
from community365.core.context import RequestMeta, request_meta
from community365.core.errors import DomainError
from community365.core.roles import Role
from community365.people import services as people
from community365.regions import services as regions
from community365.regions.models import Region, RegionKind

SYSTEM = SystemActor("bootstrap_district")


class Command(BaseCommand):
    help = "Create the district and its first district admin (organisation department)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="district name, e.g. 江东区")
        parser.add_argument("--code", required=True, help="district code, e.g. JD")
        parser.add_argument("--admin", required=True, help="user name of the first district admin")
        parser.add_argument("--admin-name", default="", help="the admin's real name")
        parser.add_argument("--password-env", default="", help="read the password from this variable")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get(options["password_env"], "") if options["password_env"] else ""
        if not password:
            password = getpass.getpass("Password for the district admin: ")
        with request_meta(RequestMeta(channel="command")):
            try:
                with transaction.atomic():
                    district = Region.objects.filter(code=options["code"], kind=RegionKind.DISTRICT).first()
                    if district is None:
                        district = regions.region_create(
                            actor=SYSTEM,
                            parent=None,
                            kind=RegionKind.DISTRICT,
                            name=options["name"],
                            code=options["code"],
                        )
                    user = people.user_create(
                        actor=SYSTEM,
                        username=options["admin"],
                        password=password,
                        display_name=options["admin_name"],
                        district=district,
                    )
                    people.role_grant(actor=SYSTEM, user=user, role=Role.DISTRICT_ADMIN, region=district)
            except DomainError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"{district.name}: district admin {user.username} created."))
