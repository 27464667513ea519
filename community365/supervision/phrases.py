"""Every sentence the supervision app stores (notifications, audit messages shown to people), as
registered codes rendered in the reader's language (``core/phrases.py``). A code once stored is
history: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import register

TALK_STARTED = register(
    "supervision.talk.started", _("区委组织部安排了一次专项约谈（%(date)s），请查看指出的问题和承诺事项")
)
COMMITMENT_ADDED = register(
    "supervision.commitment.added", _("专项约谈新增承诺事项“%(text)s”，期限 %(deadline)s")
)
COMMITMENT_OVERDUE = register(
    "supervision.commitment.overdue", _("约谈承诺事项“%(text)s”已逾期，请尽快完成并上传佐证")
)
COMMITMENT_DONE = register("supervision.commitment.done", _("%(community)s完成了约谈承诺事项“%(text)s”"))
NOTICE_ISSUED = register(
    "supervision.notice.issued", _("督查通报“%(title)s”已下发到本社区，请按期逐项答复整改情况")
)
REPLY_RECEIVED = register("supervision.reply.received", _("%(community)s答复了督查通报“%(title)s”的整改事项"))
REPLY_ACCEPTED = register(
    "supervision.reply.accepted", _("督查通报“%(title)s”第 %(number)s 项的整改答复已认可")
)
REPLY_RETURNED = register(
    "supervision.reply.returned", _("督查通报“%(title)s”第 %(number)s 项的整改答复被退回：%(reason)s")
)
RESULT_PUBLISHED = register(
    "supervision.result.published", _("%(year)s 年度量化考评结果已公布：综合得分 %(total)s，等级 %(grade)s")
)
OBJECTION_RAISED = register(
    "supervision.objection.raised", _("%(community)s对 %(year)s 年度考评结果提出异议")
)
OBJECTION_UPHELD = register(
    "supervision.objection.upheld", _("您对 %(year)s 年度考评结果的异议成立，结果已更正：%(reason)s")
)
OBJECTION_DISMISSED = register(
    "supervision.objection.dismissed", _("您对 %(year)s 年度考评结果的异议不成立，维持原结果：%(reason)s")
)

# status words used as parameters
from .models import Grade  # noqa: E402

for _grade in Grade:
    register(f"supervision.grade.{_grade.value}", _grade.label)
