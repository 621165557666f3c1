"""All mapped classes, imported here so Alembic and the app see one metadata."""
from app.models.api_token import ApiToken
from app.models.audit import AuditEvent
from app.models.base import Base, utcnow
from app.models.export_job import ExportJob
from app.models.followup import (
    KritikTheme,
    KritikTriage,
    PublicationRecord,
    PublicResultsShown,
    RtlAction,
    RtlSetting,
)
from app.models.indicator import Indicator, IndicatorManualValue, IndicatorTarget, ServicePopulation
from app.models.kpm import IncomeProgram, IncomeSample, Kpm, PovertyLine, Umk
from app.models.org import Layanan, Region, Unit
from app.models.pendamping import ChecklistCriterion, ChecklistVersion, Pendamping, PendampingCheck, PendampingType
from app.models.skm import RespondentCategory, SkmResponse
from app.models.skm_summary import SkmProfileCount, SkmProfileYear, SkmSummary, SkmSummaryCross
from app.models.user import ROLES, User
from app.models.webhook import WebhookDelivery, WebhookEvent, WebhookSubscription

__all__ = [
    "AuditEvent", "Base", "Layanan", "ROLES", "Region", "RespondentCategory", "SkmResponse", "Unit", "User", "utcnow",
    "ChecklistCriterion", "ChecklistVersion", "IncomeProgram", "IncomeSample", "Kpm", "Pendamping",
    "PendampingCheck", "PendampingType", "PovertyLine", "Umk",
    "Indicator", "IndicatorManualValue", "IndicatorTarget", "ServicePopulation", "SkmProfileCount", "SkmProfileYear",
    "SkmSummary", "SkmSummaryCross", "RtlAction", "RtlSetting", "KritikTheme", "KritikTriage",
    "PublicationRecord", "PublicResultsShown", "ApiToken", "ExportJob", "WebhookDelivery", "WebhookEvent",
    "WebhookSubscription",
]
