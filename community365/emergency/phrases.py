"""Every sentence the emergency app stores (notifications), as registered codes rendered in the
reader's language. A stored code is history: never rename one, add a new code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import register

ALERT = register("emergency.alert", _("应急响应：%(title)s（%(level)s）"))
register("emergency.alert.body", _("请立即按应急预案到岗，您分到 %(count)s 户需要入户排查。"))
ALERT_WORKER = register("emergency.alert_worker", _("应急响应：%(title)s（%(level)s）"))
register("emergency.alert_worker.body", _("%(community)s有 %(count)s 户重点关注户待排查，请组织入户。"))
NEED = register("emergency.need", _("%(household)s需要帮助：%(need)s"))
register("emergency.need.body", _("应急事件“%(title)s”中排查发现，请尽快处理。"))
LEVEL_CHANGED = register("emergency.level_changed", _("应急响应“%(title)s”调整为%(level)s"))
register("emergency.level_changed.body", _("响应级别由%(old)s调整为%(level)s，请按新的级别执行。"))
CLOSED = register("emergency.closed", _("应急事件“%(title)s”已结束"))
register("emergency.closed.body", _("感谢参与！服务时长 %(hours)s 小时已记入志愿联盟。"))

LEVELS = {
    "blue": register("emergency.level.blue", _("蓝色（IV级）")),
    "yellow": register("emergency.level.yellow", _("黄色（III级）")),
    "orange": register("emergency.level.orange", _("橙色（II级）")),
    "red": register("emergency.level.red", _("红色（I级）")),
}
NEEDS = {
    "candles": register("emergency.need_kind.candles", _("蜡烛")),
    "meals": register("emergency.need_kind.meals", _("送餐")),
    "medicine": register("emergency.need_kind.medicine", _("药品")),
    "evacuation": register("emergency.need_kind.evacuation", _("转移安置")),
}
