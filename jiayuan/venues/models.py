"""Venues (阵地): every place where the federation serves people, with its type, place and running organisation."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from jiayuan.core.models import VersionedModel


class VenueType(models.TextChoices):
    WOMEN_CHILDREN_HOME = "women_children_home", "妇儿之家"
    WOMEN_MICRO_HOME = "women_micro_home", "妇女微家"
    COMFORT_STATION = "comfort_station", "舒心驿站"
    HAPPINESS_HARBOUR = "happiness_harbour", "幸福港湾反家暴工作站"
    MEDIATION_COMMITTEE = "mediation_committee", "婚姻家庭纠纷人民调解委员会（婚调委）"
    MEDIATION_ROOM = "mediation_room", "婚调室"
    PARENT_SCHOOL = "parent_school", "家长学校"
    FAMILY_EDUCATION_CENTRE = "family_education_centre", "家庭教育指导服务中心"
    FAMILY_EDUCATION_STATION = "family_education_station", "家庭教育指导服务站"
    FAMILY_EDUCATION_POINT = "family_education_point", "家庭教育指导服务点"
    VOLUNTEER_HOME = "volunteer_home", "巾帼志愿者之家"
    EXECUTIVE_STUDIO = "executive_studio", "执委履职工作室"
    CARING_MOTHER_STATION = "caring_mother_station", "爱心妈妈驿站"
    NURSING_ROOM = "nursing_room", "母婴室"
    OTHER = "other", "其他阵地"


class Venue(VersionedModel):
    """One venue. Its address and contact are the venue's public ones (not personal data), kept in clear."""

    type = models.CharField("阵地类型", max_length=32, choices=VenueType.choices)
    name = models.CharField("名称", max_length=100)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    # WGS84 degrees; optional (a venue without a point is still counted, just not drawn on a map).
    longitude = models.DecimalField("经度（WGS84）", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度（WGS84）", max_digits=8, decimal_places=6, null=True, blank=True)
    opening_hours = models.CharField("开放时间", max_length=100, blank=True)
    contact_post = models.CharField("联系岗位", max_length=64, blank=True, help_text="如：社区妇联主席")
    contact_phone = models.CharField("联系电话（办公）", max_length=32, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="运营组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venues",
    )
    area_m2 = models.PositiveIntegerField("面积（平方米）", null=True, blank=True)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    is_active = models.BooleanField("在用", default=True)
    note = models.CharField("备注", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "阵地"
        verbose_name_plural = "阵地"
        ordering = ["division_id", "type", "name"]
        indexes = [
            models.Index(fields=["division", "type", "is_active"], name="venue_place_type"),
            models.Index(fields=["type", "is_active", "division"], name="venue_type_place"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["division", "type", "name"], name="uniq_venue_name_in_place"),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__gte=-180, longitude__lte=180, latitude__gte=-90, latitude__lte=90),
                name="venue_point_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_point(self) -> bool:
        return self.longitude is not None and self.latitude is not None
