from __future__ import annotations

import string
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须至少包含以下四类字符中的 %(n)d 类：小写字母、大写字母、数字、符号。")
                % {"n": self.min_classes},
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("密码须至少包含以下四类字符中的 %(n)d 类：小写字母、大写字母、数字、符号。") % {
            "n": self.min_classes
        }


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with a message in the platform's own catalogue (Django's zh-Hans lacks it)."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(n)d 个字符。") % {"n": self.min_length}
