"""Federation organisations (district/street/community and new-domain), partner agencies, executive members."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from jiayuan.core.models import VersionedModel


class OrgKind(models.TextChoices):
    CITY = "city", "市妇联"
    DISTRICT = "district", "区妇联"
    STREET = "street", "街道妇联"
    COMMUNITY = "community", "社区妇联"
    NEW_DOMAIN = "new_domain", "新领域妇联"


class DomainType(models.TextChoices):
    PARK = "park", "园区"
    BUILDING = "building", "楼宇"
    BUSINESS_DISTRICT = "business_district", "商圈"
    INDUSTRY = "industry", "行业"
    LIVESTREAM = "livestream", "直播"
    LOGISTICS = "logistics", "物流"
    URBAN_VILLAGE = "urban_village", "城中村"
    ENTERPRISE = "enterprise", "企业"
    SOCIAL_ORG = "social_org", "社会组织"
    OTHER = "other", "其他"


class Organisation(VersionedModel):
    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices, db_index=True)
    domain_type = models.CharField("新领域类别", max_length=32, choices=DomainType.choices, blank=True)
    division = models.ForeignKey("divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    is_active = models.BooleanField("存续", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "妇联组织"
        verbose_name_plural = "妇联组织"
        ordering = ["division_id", "kind", "name"]
        indexes = [models.Index(fields=["division", "kind"])]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    POLICE = "police", "公安"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    EDUCATION = "education", "教育"
    HEALTH = "health", "卫健"
    JUSTICE = "justice", "司法行政"
    SOCIAL_WORK = "social_work", "社工机构"
    OTHER = "other", "其他"


class PartnerAgency(VersionedModel):
    """A partner outside the federation: its users see only what is referred to it."""

    name = models.CharField("名称", max_length=128, unique=True)
    kind = models.CharField("类别", max_length=16, choices=AgencyKind.choices)
    division = models.ForeignKey("divisions.Division", verbose_name="所在区划", on_delete=models.PROTECT)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "协作单位"
        verbose_name_plural = "协作单位"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ExecutiveMember(VersionedModel):
    """A person's seat or post in an organisation (执委、主席、副主席…), with its term."""

    class Post(models.TextChoices):
        CHAIR = "chair", "主席"
        VICE_CHAIR = "vice_chair", "副主席"
        EXECUTIVE = "executive", "执委"
        MEMBER = "member", "委员"
        LIAISON = "liaison", "联络员"

    organisation = models.ForeignKey(
        Organisation, verbose_name="组织", on_delete=models.PROTECT, related_name="members"
    )
    person = models.ForeignKey("people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="org_posts")
    post = models.CharField("职务", max_length=16, choices=Post.choices, default=Post.EXECUTIVE)
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期结束", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "执委与职务"
        verbose_name_plural = "执委与职务"
        ordering = ["organisation_id", "post"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person", "post", "term_start"], name="uniq_org_post_term")
        ]

    @property
    def division_id(self) -> str:
        return self.organisation.division_id
