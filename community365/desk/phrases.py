"""Every sentence the desk stores: a request's history and its notifications, as registered codes
rendered in the reader's language (``core/phrases.py``). A stored code is history: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import register

EVENTS = {
    "create": register("desk.event.create", _("提出诉求")),
    "assisted": register("desk.event.assisted", _("社工代为登记")),
    "hotline": register("desk.event.hotline", _("由12345热线转来（工单 %(ticket)s）")),
    "open311": register("desk.event.open311", _("由 Open311 客户端 %(client)s 提交")),
    "routed": register("desk.event.routed", _("分派给%(to)s（%(why)s）")),
    "accept": register("desk.event.accept", _("已受理")),
    "transfer": register("desk.event.transfer", _("转交%(to)s：%(reason)s")),
    "merge": register("desk.event.merge", _("与诉求 #%(other)s 重复，已合并")),
    "merged_in": register("desk.event.merged_in", _("合并了重复的诉求 #%(other)s")),
    "escalate": register("desk.event.escalate", _("上报%(to)s：%(reason)s")),
    "pause": register("desk.event.pause", _("等待居民：%(reason)s")),
    "resume": register("desk.event.resume", _("居民已回复，继续办理")),
    "close": register("desk.event.close", _("已办结：%(resolution)s")),
    "rate": register("desk.event.rate", _("居民评价 %(rating)s 星")),
    "reopen": register("desk.event.reopen", _("居民不满意，重新办理：%(reason)s")),
    "remind": register("desk.event.remind", _("即将到期提醒")),
    "overdue": register("desk.event.overdue", _("已逾期")),
    "supervise": register("desk.event.supervise", _("街道督办")),
    "callback": register("desk.event.callback", _("回访：%(note)s")),
}

WHY_DESK_HOURS = register("desk.why.desk_hours", _("工作时间，网格社工"))
WHY_ROTA = register("desk.why.rota", _("非工作时间，值班社工"))
WHY_COMMUNITY = register("desk.why.community", _("社区社工"))
WHY_DEPARTMENT = register("desk.why.department", _("部门事项"))
WHY_TEAM = register("desk.why.team", _("团队事项"))
WHY_ORGANISATION = register("desk.why.organisation", _("组织事项"))

ASSIGNED = register("desk.assigned", _("新诉求 #%(id)s：%(item)s"))
REMIND = register("desk.remind", _("诉求 #%(id)s 即将到期"))
OVERDUE = register("desk.overdue", _("诉求 #%(id)s 已逾期"))
SUPERVISED = register("desk.supervised", _("诉求 #%(id)s 已被督办"))
CLOSED = register("desk.closed", _("您的诉求 #%(id)s 已办结，请确认并评价"))
WAITING = register("desk.waiting", _("您的诉求 #%(id)s 需要您补充：%(reason)s"))

# --- the hotline import's row report (HotlineImport.report: {"row", "ticket", "result", "code", "params"})
ROW_ADDED = register("desk.row.added", _("已导入为诉求 #%(id)s"))
ROW_DUPLICATE = register("desk.row.duplicate", _("工单已导入过（诉求 #%(id)s）"))
ROW_DUPLICATE_IN_FILE = register("desk.row.duplicate_in_file", _("与本文件第 %(row)s 行的工单号重复"))
ROW_NO_TICKET = register("desk.row.no_ticket", _("缺少工单号"))
ROW_UNKNOWN_ITEM = register("desk.row.unknown_item", _("没有编码为“%(code)s”的服务事项"))
ROW_UNKNOWN_PLACE = register("desk.row.unknown_place", _("地点“%(place)s”不是本区的社区、网格、楼栋或楼道"))
ROW_BAD_TIME = register("desk.row.bad_time", _("受理时间“%(value)s”无法识别（应为 2026-03-01 09:30）"))
ROW_REFUSED = register("desk.row.refused", _("未能导入：%(text)s"))
RESULT_ADDED = register("desk.result.added", _("已导入"))
RESULT_DUPLICATE = register("desk.result.duplicate", _("重复"))
RESULT_REFUSED = register("desk.result.refused", _("拒收"))

# --- hot spots' proposals and a request's tasks (deskflow) -----------------------------------------
EVENTS.update(
    {
        "task_add": register("desk.event.task_add", _("分解任务“%(text)s”交%(to)s，%(due)s前完成")),
        "task_done": register("desk.event.task_done", _("任务“%(text)s”已完成：%(note)s")),
    }
)
TASK_ASSIGNED = register("desk.task_assigned", _("诉求 #%(id)s 分给您一项任务：%(text)s"))
TASK_DONE = register("desk.task_done", _("诉求 #%(id)s 的任务已完成：%(text)s"))
