"""Field classes and masking: one tag per personal field drives screens, exports and logs."""

from __future__ import annotations

from django.db import models


class FieldClass(models.TextChoices):
    PUBLIC = "public", "公开"
    PERSONAL = "personal", "个人信息"
    SENSITIVE = "sensitive", "敏感个人信息"
    HIGHLY_SENSITIVE = "highly_sensitive", "高度敏感信息"


# The permission that reveals each class in full (public and personal are shown masked or plain by view).
REVEAL_PERMISSION = {
    FieldClass.SENSITIVE: "reveal",
    FieldClass.HIGHLY_SENSITIVE: "reveal_highly",
}


def mask_name(name: str) -> str:
    """张*红, 李*, 欧阳**芳: keep the first and last character."""
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    """4403**********1234."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    """138****5678; landlines keep the area code and last four digits."""
    if not number:
        return ""
    digits = number.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if "-" in number:
        area, rest = number.split("-", 1)
        return area + "-" + "*" * max(len(rest) - 4, 0) + rest[-4:]
    return "*" * max(len(number) - 4, 0) + number[-4:]


def mask_text(text: str) -> str:
    """Free text of a sensitive class: its length only."""
    if not text:
        return ""
    return f"〔已隐藏，共 {len(text)} 字〕"


MASKERS = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
    "text": mask_text,
}


def mask(value: str, kind: str) -> str:
    return MASKERS[kind](value or "")
