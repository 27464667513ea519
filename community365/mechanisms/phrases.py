"""Every sentence the mechanisms app stores (notifications), as registered codes rendered in the
reader's language (``core/phrases.py``). A code once stored is history: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import register

PROJECT_APPROVED = register(
    "mechanisms.project.approved", _("您的书记项目“%(title)s”已审核通过，列入年度项目名单")
)
PROJECT_RETURNED = register("mechanisms.project.returned", _("您的书记项目“%(title)s”被退回修改：%(reason)s"))
PROJECT_DECLINED = register("mechanisms.project.declined", _("您的书记项目“%(title)s”未通过：%(reason)s"))
TASK_OVERDUE = register("mechanisms.task.overdue", _("书记项目“%(title)s”的任务“%(task)s”已逾期，请尽快推进"))
PROJECT_EVALUATED = register(
    "mechanisms.project.evaluated", _("您的书记项目“%(title)s”年终考评得分 %(score)s")
)
RESULT_TO_CONFIRM = register(
    "mechanisms.result.to_confirm", _("第一书记登记了一条成绩“%(title)s”，请社区确认")
)
RESULT_CONFIRMED = register("mechanisms.result.confirmed", _("您登记的成绩“%(title)s”已由社区确认"))
RESULT_REJECTED = register("mechanisms.result.rejected", _("您登记的成绩“%(title)s”社区未确认：%(reason)s"))
