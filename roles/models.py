"""The organisation tree (levels, validity, successors) and the role assignments held in it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """Administrative levels, ordered from the bottom of the tree to the top."""

    UNIT = 10, _("Đơn vị cơ sở")
    COMMUNE = 20, _("Cấp xã")
    DISTRICT = 30, _("Cấp huyện")
    PROVINCE = 40, _("Cấp tỉnh")
    MINISTRY = 50, _("Bộ, ngành")
    CENTRAL_BOARD = 60, _("Ban Thi đua - Khen thưởng Trung ương")
    GOVERNMENT = 70, _("Chính phủ")


class Role(models.TextChoices):
    PROPOSER = "proposer", _("Người đề nghị (thủ trưởng đơn vị)")
    APPRAISER = "appraiser", _("Cán bộ thẩm định")
    DECIDER = "decider", _("Lãnh đạo quyết định")
    INSPECTOR = "inspector", _("Thanh tra")
    ADMIN = "admin", _("Quản trị")
    SECRETARY = "secretary", _("Thư ký Hội đồng Thi đua - Khen thưởng")


def valid_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Rows whose [valid_from, valid_to] interval contains `day` (open ends allowed)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class Kind(models.TextChoices):
    """The kind of an administrative unit or central body, as the official lists name it (blank: the
    installation's own units: schools, villages, agencies)."""

    PROVINCE = "tinh", _("Tỉnh")
    CITY = "thanh_pho", _("Thành phố trực thuộc trung ương")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")
    MINISTRY = "bo", _("Bộ")
    MINISTERIAL_AGENCY = "co_quan_ngang_bo", _("Cơ quan ngang bộ")


class OrgUnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None):
        return self.filter(valid_on_q(day or timezone.localdate()))

    def subtree_of(self, units):
        """Every unit under (and including) any of `units` (units or their paths): one indexed prefix per root."""
        q = Q(pk__in=[])
        for unit in units:
            q |= Q(path__startswith=getattr(unit, "path", unit))
        return self.filter(q)


class OrgUnit(models.Model):
    """A unit of the organisation tree. `path` is a materialized path of codes: "/CP/LAOCAI/LC-SAPA/"."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    level = models.IntegerField(_("cấp"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=512, unique=True, editable=False)
    # The code of the official list (the Statistics Office's: "15" Lào Cai, "02929" a commune); blank for the
    # installation's own units. One current unit per code: an ended unit's code may be given again.
    official_code = models.CharField(_("mã hành chính"), max_length=16, blank=True, default="", db_default="")
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, blank=True, default="", db_default="")
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("đơn vị kế thừa"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="predecessors",
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["official_code"], condition=~Q(official_code="") & Q(valid_to__isnull=True),
                name="one_current_unit_per_official_code",
            )
        ]
        permissions = [
            ("propose_at", "May propose nominations at the unit"),
            ("appraise_at", "May appraise nominations at the unit"),
            ("decide_at", "May decide nominations at the unit"),
            ("inspect_at", "May inspect the unit's subtree"),
            ("administer_at", "May administer the unit's subtree"),
            ("record_council_at", "May record the votes of the unit's council"),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def ancestor_paths(self) -> list[str]:
        """The paths of this unit and of every unit above it, from the root down."""
        codes = self.path.strip("/").split("/")
        return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


class RoleAssignmentQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(valid_on_q(day), valid_on_q(day, "org_unit__"), revoked_at__isnull=True)


class RoleAssignment(models.Model):
    """The human-edited truth of who holds which role where, read by every permission check (roles.selectors)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công vai trò")
        verbose_name_plural = _("phân công vai trò")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org_unit", "role"], condition=Q(revoked_at__isnull=True),
                name="one_live_assignment_per_role",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} @ {self.org_unit.code}"
