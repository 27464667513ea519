"""Forms of the account pages: validation at the edge; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from community365.core.roles import Role


class AccountForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[A-Za-z0-9_.-]{3,40}$",
        max_length=40,
        error_messages={"invalid": _("用户名须为 3–40 位字母、数字或 _ . -。")},
    )
    display_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, max_length=128)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.IntegerField(label=_("区域"), min_value=1, widget=forms.Select)
    department = forms.IntegerField(label=_("部门"), min_value=1, required=False, widget=forms.Select)

    def __init__(
        self, *args: Any, regions: list[Any], departments: list[Any], roles: set[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(value, label) for value, label in Role.choices if value in roles]
        if not departments:
            del self.fields["department"]
        region_widget = self.fields["region"].widget
        assert isinstance(region_widget, forms.Select)
        region_widget.choices = [
            (r.pk, _("%(name)s（%(kind)s）") % {"name": r.name, "kind": r.get_kind_display()})
            for r in regions
        ]
        if "department" in self.fields:
            department_widget = self.fields["department"].widget
            assert isinstance(department_widget, forms.Select)
            department_widget.choices = [("", "—"), *[(d.pk, d.name) for d in departments]]


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.IntegerField(label=_("区域"), min_value=1)
    department = forms.IntegerField(label=_("部门"), min_value=1, required=False)
