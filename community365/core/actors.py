"""Who performs a service call: a signed-in user, or the system itself (a management command,
a scheduled task, the demo generator). There is no shared or default account for the system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from community365.people.models import User


@dataclass(frozen=True)
class SystemActor:
    name: str

    @property
    def label(self) -> str:
        return f"system:{self.name}"


Actor = Union["User", SystemActor]


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def actor_label(actor: object) -> str:
    if isinstance(actor, SystemActor):
        return actor.label
    return getattr(actor, "username", "") or "anonymous"
