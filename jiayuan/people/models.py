"""The people registry: one person, one record; identifiers, phones and addresses encrypted at rest."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from jiayuan.access.fields import FieldClass
from jiayuan.core.fields import EncryptedTextField
from jiayuan.core.models import VersionedModel


class Gender(models.TextChoices):
    FEMALE = "F", "女"
    MALE = "M", "男"
    UNKNOWN = "U", "未知"


class IdType(models.TextChoices):
    RESIDENT = "resident", "居民身份证"
    HKMO_PERMIT = "hkmo_permit", "港澳居民来往内地通行证"
    RESIDENCE_PERMIT = "residence_permit", "港澳台居民居住证"
    PASSPORT = "passport", "护照"
    FOREIGN_PERMANENT = "foreign_permanent", "外国人永久居留身份证"
    NONE = "none", "无/未提供"


class PersonQuerySet(models.QuerySet):
    def alive(self) -> PersonQuerySet:
        return self.filter(deleted_at__isnull=True)


class Person(VersionedModel):
    FIELD_CLASSES = {
        "name": FieldClass.PERSONAL,
        "gender": FieldClass.PUBLIC,
        "birth_date": FieldClass.PERSONAL,
        "id_number": FieldClass.SENSITIVE,
        "phones": FieldClass.SENSITIVE,
        "address_detail": FieldClass.SENSITIVE,
        "notes": FieldClass.SENSITIVE,
        "tags": FieldClass.SENSITIVE,
    }

    name = models.CharField("姓名", max_length=64)
    name_initials = models.CharField("拼音首字母", max_length=64, blank=True, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField("出生日期", null=True, blank=True, db_index=True)
    id_type = models.CharField("证件类型", max_length=24, choices=IdType.choices, default=IdType.NONE)
    id_number = EncryptedTextField("证件号码", blank=True)
    id_hash = models.CharField("证件号码索引", max_length=40, blank=True, db_index=True)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    address_detail = EncryptedTextField("详细地址", blank=True)
    ethnicity = models.CharField("民族", max_length=16, blank=True)
    notes = EncryptedTextField("备注", blank=True)
    tags = models.ManyToManyField("dictionaries.DictionaryItem", verbose_name="标签", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)
    deleted_reason = models.CharField("删除原因", max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=[tags])

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        indexes = [
            # Lists and name searches only ever show people who are not deleted.
            models.Index(fields=["division", "id"], condition=Q(deleted_at__isnull=True), name="person_alive_div_id"),
            models.Index(
                fields=["division", "name"], condition=Q(deleted_at__isnull=True), name="person_alive_div_name"
            ),
            models.Index(fields=["name"], condition=Q(deleted_at__isnull=True), name="person_alive_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_hash"], condition=~Q(id_hash=""), name="uniq_person_identity"
            )
        ]

    def __str__(self) -> str:
        from jiayuan.access.fields import mask_name

        return mask_name(self.name)

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    @property
    def is_minor(self) -> bool:
        age = self.age
        return age is not None and age < 18


def minor_cutoff(today: dt.date | None = None) -> dt.date:
    """Born after this date means under 18 today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28)


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", "手机"
    LANDLINE = "landline", "固定电话"
    SERVICE = "service", "服务号码"


class PersonPhone(models.Model):
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="phones")
    number = EncryptedTextField("号码")
    number_hash = models.CharField("号码索引", max_length=40, db_index=True)
    kind = models.CharField("类型", max_length=16, choices=PhoneKind.choices)
    safe_to_call = models.BooleanField("可安全来电", default=True)
    safe_to_text = models.BooleanField("可安全发短信", default=False)
    safe_times = models.CharField("方便联系时间", max_length=100, blank=True)
    is_primary = models.BooleanField("主要号码", default=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "电话"
        verbose_name_plural = "电话"
        ordering = ["-is_primary", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "number_hash"], name="uniq_person_phone")]


class Household(VersionedModel):
    name = models.CharField("户名", max_length=64)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在社区", on_delete=models.PROTECT, related_name="+"
    )
    address_detail = EncryptedTextField("详细地址", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "家庭户"
        verbose_name_plural = "家庭户"

    def __str__(self) -> str:
        return self.name


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", "户主"
        SPOUSE = "spouse", "配偶"
        CHILD = "child", "子女"
        PARENT = "parent", "父母"
        GRANDPARENT = "grandparent", "祖父母/外祖父母"
        GRANDCHILD = "grandchild", "孙子女/外孙子女"
        SIBLING = "sibling", "兄弟姐妹"
        OTHER = "other", "其他"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_memberships")
    relation = models.CharField("与户主关系", max_length=16, choices=Relation.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        constraints = [models.UniqueConstraint(fields=["household", "person"], name="uniq_household_member")]


class PersonRelation(models.Model):
    class Kind(models.TextChoices):
        SPOUSE = "spouse", "配偶"
        FORMER_SPOUSE = "former_spouse", "前配偶"
        PARENT = "parent", "父母"
        CHILD = "child", "子女"
        GUARDIAN = "guardian", "监护人"
        PARTNER = "partner", "同居伴侣"
        RELATIVE = "relative", "其他亲属"
        OTHER = "other", "其他"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("关系", max_length=16, choices=Kind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员关系"
        verbose_name_plural = "人员关系"
        constraints = [models.UniqueConstraint(fields=["person", "relative", "kind"], name="uniq_person_relation")]
