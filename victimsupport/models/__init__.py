from victimsupport.models.access import AccessLogEntry
from victimsupport.models.jobs import Job, ScheduledRun
from victimsupport.models.mail import MailStatus, OutgoingMail
from victimsupport.models.notifications import Notification
from victimsupport.models.register import RegisteredDocument, RegisterMatter, RegisterSeries
from victimsupport.models.users import County, Region, Role, User, UserSession

__all__ = [
    "AccessLogEntry",
    "County",
    "Job",
    "MailStatus",
    "Notification",
    "OutgoingMail",
    "Region",
    "RegisterMatter",
    "RegisterSeries",
    "RegisteredDocument",
    "Role",
    "ScheduledRun",
    "User",
    "UserSession",
]
