"""Every sentence the pairing app stores (notifications), as registered codes rendered in the
reader's language. A stored code is history: never rename one, add a new code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from community365.core.phrases import register

PAIRED = register("pairing.paired", _("结对走亲：您已与%(household)s结对"))
register("pairing.paired.body", _("%(community)s请您定期走访这户人家，走访后在“我的结对”里登记。"))
ENDED = register("pairing.ended", _("结对走亲：与%(household)s的结对已结束"))
register("pairing.ended.body", _("结束原因：%(reason)s。感谢您的走访！"))
TURNED = register("pairing.turned", _("您走访%(household)s发现的需求已转为%(kind)s"))
LOGGED_FOR = register("pairing.logged_for", _("已代您登记对%(household)s的走访（%(date)s）"))

KINDS = {
    "request": register("pairing.kind.request", _("服务诉求")),
    "wish": register("pairing.kind.wish", _("微心愿")),
    "topic": register("pairing.kind.topic", _("约谈点题")),
}
REASONS = {
    "out_of_difficulty": register("pairing.reason.out_of_difficulty", _("已脱困")),
    "moved": register("pairing.reason.moved", _("住户搬离")),
    "deceased": register("pairing.reason.deceased", _("住户去世")),
    "cadre_left": register("pairing.reason.cadre_left", _("干部调离")),
    "declined": register("pairing.reason.declined", _("住户不再需要")),
    "other": register("pairing.reason.other", _("其他")),
}
