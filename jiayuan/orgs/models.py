"""Federation organisations (district/street/community and new-domain), partner agencies, executive members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from jiayuan.core.models import TimeStampedModel, VersionedModel


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
    EXPRESS = "express", "快递"
    RIDE_HAILING = "ride_hailing", "网约车"
    DELIVERY = "delivery", "外卖配送"
    URBAN_VILLAGE = "urban_village", "城中村"
    ENTERPRISE = "enterprise", "企业"
    SOCIAL_ORG = "social_org", "社会组织"
    OTHER = "other", "其他"


class Sanxin(models.TextChoices):
    """The "three new" domains a new-domain federation belongs to."""

    NEW_ECONOMIC = "new_economic", "新经济组织"
    NEW_SOCIAL = "new_social", "新社会组织"
    NEW_EMPLOYMENT = "new_employment", "新就业群体"


class Organisation(VersionedModel):
    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices, db_index=True)
    domain_type = models.CharField("新领域类别", max_length=32, choices=DomainType.choices, blank=True)
    sanxin = models.CharField("三新领域", max_length=16, choices=Sanxin.choices, blank=True)
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


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大专"
    SECONDARY = "secondary", "高中、中专"
    JUNIOR = "junior", "初中及以下"


class ExecutiveCommittee(VersionedModel):
    """One term of an organisation's executive committee (换届产生的一届执委会)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="组织", on_delete=models.PROTECT, related_name="committees"
    )
    number = models.PositiveSmallIntegerField("届次")
    elected_on = models.DateField("换届日期")
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期届满")
    is_current = models.BooleanField("现任", default=True)
    history = HistoricalRecords()
    seat_rows: list[ExecutiveMember]  # not a column: the seats an organisation's page lists, set by its selector

    class Meta:
        verbose_name = "执委会届次"
        verbose_name_plural = "执委会届次"
        ordering = ["organisation_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="uniq_committee_number"),
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_current=True), name="uniq_committee_current"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}届"

    @property
    def division_id(self) -> str:
        return self.organisation.division_id


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
    committee = models.ForeignKey(
        "orgs.ExecutiveCommittee",
        verbose_name="所属届次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
    )
    post_title = models.CharField(
        "具体职务", max_length=64, blank=True, help_text="如：兼职副主席、执委（妇女议事会召集人）"
    )
    is_party_member = models.BooleanField("中共党员", default=False)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    in_two_committees = models.BooleanField("社区“两委”成员", default=False)
    history = HistoricalRecords()
    shown_name: str  # not a column: the masked name a list shows, set by its selector

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


class WomenSpace(VersionedModel):
    """A women's position (妇女阵地) run by an organisation: a room, a station, a hall."""

    organisation = models.ForeignKey(Organisation, verbose_name="组织", on_delete=models.PROTECT, related_name="spaces")
    name = models.CharField("阵地名称", max_length=128)
    address = models.CharField("地址", max_length=200, blank=True)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "妇女阵地"
        verbose_name_plural = "妇女阵地"
        ordering = ["organisation_id", "name"]


class DutyKind(models.TextChoices):
    VISIT = "visit", "走访"
    ONE_ON_ONE = "one_on_one", "一对一帮扶"
    ACTIVITY = "activity", "组织或参与活动"
    PROPOSAL = "proposal", "反映诉求、提出建议"
    OTHER = "other", "其他"


class DutyRecord(TimeStampedModel):
    """What an executive member did (执委履职): a visit, one-to-one help of a registered person, an activity."""

    member = models.ForeignKey(ExecutiveMember, verbose_name="执委", on_delete=models.PROTECT, related_name="duties")
    division = models.ForeignKey("divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT)
    kind = models.CharField("履职类型", max_length=16, choices=DutyKind.choices)
    on = models.DateField("日期")
    person = models.ForeignKey(
        "people.Person", verbose_name="帮扶对象", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField("内容")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Not columns: the masked names a list shows, set by its selector.
    member_name: str
    person_name: str

    class Meta:
        verbose_name = "执委履职记录"
        verbose_name_plural = "执委履职记录"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["division", "on"])]


class TrainingAudience(models.TextChoices):
    CHAIRS = "chairs", "妇联主席"
    EXECUTIVES = "executives", "执委"
    BOTH = "both", "主席和执委"


class Training(VersionedModel):
    """A training session for federation chairs and executive members, held by an office."""

    title = models.CharField("培训名称", max_length=128)
    division = models.ForeignKey("divisions.Division", verbose_name="举办单位所在区划", on_delete=models.PROTECT)
    held_on = models.DateField("举办日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, default=0)
    audience = models.CharField("培训对象", max_length=16, choices=TrainingAudience.choices)
    attendees = models.ManyToManyField(ExecutiveMember, verbose_name="参训人员", blank=True, related_name="trainings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "主席执委培训"
        verbose_name_plural = "主席执委培训"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["division", "held_on"])]
