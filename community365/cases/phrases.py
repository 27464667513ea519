"""Every sentence the cases app stores in notifications, as registered codes rendered in the
reader's language (``core/phrases.py``). A code once stored is history: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import register

MEDIATION_ASSIGNED = register("cases.mediation.assigned", _("调解案件 %(number)s 已交由您调解"))
MEDIATION_TAKEN = register("cases.mediation.taken", _("调解案件 %(number)s 已由调解员受理"))
MEDIATION_REGISTERED = register("cases.mediation.registered", _("本社区新登记调解案件 %(number)s，待分派"))
MEDIATION_OVERDUE = register(
    "cases.mediation.overdue", _("调解案件 %(number)s 已超过调解期限（%(deadline)s）")
)
MEDIATION_FOLLOW_UP_DUE = register("cases.mediation.follow_up_due", _("调解案件 %(number)s 到了回访日期"))
CLINIC_SESSION_MOVED = register("cases.clinic.moved", _("您预约的法律工作室坐诊改到 %(when)s（%(place)s）"))
CLINIC_REMINDER = register("cases.clinic.reminder", _("明天 %(when)s 法律工作室坐诊，地点：%(place)s"))
CLINIC_BOOKED = register("cases.clinic.booked", _("已为您预约法律工作室：%(when)s"))
CLINIC_REFERRED = register(
    "cases.clinic.referred", _("法律工作室的一次咨询已转为调解案件 %(number)s，待分派")
)
DEPARTMENT_REFERRED = register(
    "cases.referral.department", _("有一件事项转到%(department)s，请在部门收件箱处理")
)
CLINIC_SESSION_CANCELLED = register(
    "cases.clinic.cancelled", _("您预约的 %(when)s 法律工作室坐诊已取消：%(reason)s")
)
