"""党建责任制 on the home page's to-do block: a secretary's items to answer and commitments open;
the deciders' replies to review, objections and overdue commitments. Each count opens the
matching section of the supervision to-do page (its rows carry ``data-row``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community365.core import todos

from . import policies, selectors


@todos.provider(order=5)
def supervision_todos(user: Any) -> Iterator[todos.Item]:
    url = reverse("sup_todo")
    if policies.may_answer(user):
        yield todos.Count(
            "supervision.reply",
            _("待答复的督查整改事项"),
            selectors.items_to_answer(user).count(),
            url + "#to-reply",
        )
        yield todos.Count(
            "supervision.commitments",
            _("未完成的约谈承诺"),
            selectors.commitments_due(user).count(),
            url + "#commitments",
        )
    if policies.may_issue(user):
        # replies to decide and objections to decide, counted in one query (the page lists them
        # in two sections inside #to-decide); overdue commitments stay on the page only
        replies = selectors.replies_to_decide(user).order_by().values_list("pk")
        objections = selectors.objections_open(user).order_by().values_list("pk")
        yield todos.Count(
            "supervision.decide",
            _("待审核的整改答复和考评异议"),
            replies.union(objections, all=True).count(),
            url + "#to-decide",
        )
