"""Types, grades and states of regulated entities, licences and products."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ErrorCode


class EntityType(models.TextChoices):
    RETAIL_PHARMACY = "retail_pharmacy", _("药品零售企业")
    PHARMACY_CHAIN = "pharmacy_chain", _("药品零售连锁总部")
    WHOLESALER = "wholesaler", _("药品批发企业")
    MEDICAL_INSTITUTION = "medical_institution", _("医疗机构")
    CLINIC = "clinic", _("诊所/卫生室")
    VACCINATION_SITE = "vaccination_site", _("疫苗接种单位")
    CDC = "cdc", _("疾控机构")
    DEVICE_DEALER = "device_dealer", _("医疗器械经营企业")
    COSMETICS_DEALER = "cosmetics_dealer", _("化妆品经营者")
    ONLINE_SELLER = "online_seller", _("网络销售者")
    PLATFORM = "platform", _("第三方平台")
    PLASMA_STATION = "plasma_station", _("单采血浆站")


class MedicalLevel(models.TextChoices):
    LEVEL_1 = "1", _("一级")
    LEVEL_2 = "2", _("二级")
    LEVEL_3 = "3", _("三级")
    UNRATED = "0", _("未定级")


class DeviceClass(models.TextChoices):
    CLASS_2 = "2", _("第二类")
    CLASS_3 = "3", _("第三类")
    CLASS_2_3 = "2,3", _("第二、三类")


class EntityStatus(models.TextChoices):
    OPERATING = "operating", _("正常经营")
    SUSPENDED = "suspended", _("停业")
    CANCELLED = "cancelled", _("已注销")


class RiskGrade(models.TextChoices):
    """Risk grades as in the provincial 药品经营使用单位风险分级 rules: A lowest, D highest."""

    UNGRADED = "", _("未评级")
    A = "A", _("A级（低风险）")
    B = "B", _("B级（一般风险）")
    C = "C", _("C级（较高风险）")
    D = "D", _("D级（高风险）")


class CreditClass(models.TextChoices):
    UNRATED = "", _("未评定")
    A = "A", _("A类（守信）")
    B = "B", _("B类（基本守信）")
    C = "C", _("C类（失信）")
    D = "D", _("D类（严重失信）")


class RatingKind(models.TextChoices):
    RISK = "risk", _("风险等级")
    CREDIT = "credit", _("信用分类")


class LicenceKind(models.TextChoices):
    DRUG_RETAIL = "drug_retail", _("药品经营许可证（零售）")
    DRUG_WHOLESALE = "drug_wholesale", _("药品经营许可证（批发）")
    DRUG_CHAIN = "drug_chain", _("药品经营许可证（零售连锁总部）")
    DEVICE_CLASS_3 = "device_class_3", _("医疗器械经营许可证（第三类）")
    DEVICE_CLASS_2_FILING = "device_class_2_filing", _("第二类医疗器械经营备案")
    MEDICAL_PRACTICE = "medical_practice", _("医疗机构执业许可证")
    CLINIC_FILING = "clinic_filing", _("诊所备案")
    SPECIAL_DRUG = "special_drug", _("麻醉药品和第一类精神药品购用印鉴卡")
    VACCINATION = "vaccination", _("预防接种单位资质")
    ONLINE_FILING = "online_filing", _("网络销售备案")
    PLASMA = "plasma", _("单采血浆许可证")

    @classmethod
    def filings(cls) -> frozenset[str]:
        """Filings (备案) have no expiry date."""
        return frozenset({cls.DEVICE_CLASS_2_FILING, cls.CLINIC_FILING, cls.ONLINE_FILING})


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已吊销")
    CANCELLED = "cancelled", _("已注销")


class ProductClass(models.TextChoices):
    DRUG = "drug", _("药品")
    DEVICE = "device", _("医疗器械")
    COSMETIC = "cosmetic", _("化妆品")


class SpecialDrugKind(models.TextChoices):
    NONE = "", _("非特殊药品")
    NARCOTIC = "narcotic", _("麻醉药品")
    PSYCHOTROPIC_1 = "psychotropic_1", _("第一类精神药品")
    PSYCHOTROPIC_2 = "psychotropic_2", _("第二类精神药品")
    PRECURSOR = "precursor", _("药品类易制毒化学品")
    TOXIC = "toxic", _("医疗用毒性药品")


class ExpiryWindow(models.TextChoices):
    EXPIRED = "expired", _("已过期")
    DAYS_30 = "30", _("30天内到期")
    DAYS_90 = "90", _("90天内到期")


class RegistryError(ErrorCode):
    DUPLICATE_USCC = "duplicate_uscc", _("统一社会信用代码已登记")
    DELETED_USCC = "deleted_uscc", _("统一社会信用代码属于已删除的监管对象")
    INVALID_USCC = "invalid_uscc", _("统一社会信用代码无效")
    DATES_ORDER = "dates_order", _("有效期截止日期必须晚于起始日期")
    NOT_IN_SCOPE = "not_in_scope", _("不在您的管辖范围内")
