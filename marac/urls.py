"""URLs of the marac app."""

from django.urls import path

from marac import views

app_name = "marac"
urlpatterns = [
    # risk assessment and referral, in a case (victim support staff)
    path("cases/<int:pk>/risk/", views.CaseRiskView.as_view(), name="case-risk"),
    path("cases/<int:pk>/risk/new/", views.AssessmentAddView.as_view(), name="assessment-add"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment"),
    path("assessments/<int:pk>/refer/", views.ReferView.as_view(), name="refer"),
    # networks
    path("", views.NetworkListView.as_view(), name="network-list"),
    path("networks/<int:pk>/", views.NetworkDetailView.as_view(), name="network"),
    path("networks/<int:pk>/agencies/new/", views.AgencyAddView.as_view(), name="agency-add"),
    path("networks/<int:pk>/members/new/", views.MemberAddView.as_view(), name="member-add"),
    path("networks/<int:pk>/meetings/new/", views.ScheduleView.as_view(), name="schedule"),
    path("members/<int:pk>/end/", views.MemberEndView.as_view(), name="member-end"),
    path("members/<int:pk>/roles/", views.MemberRolesView.as_view(), name="member-roles"),
    # meetings
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<int:pk>/fill/", views.AgendaFillView.as_view(), name="agenda-fill"),
    path("meetings/<int:pk>/send/", views.AgendaSendView.as_view(), name="agenda-send"),
    path("meetings/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("meetings/<int:pk>/close/", views.MeetingCloseView.as_view(), name="meeting-close"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="meeting-cancel"),
    path("meetings/<int:pk>/<str:kind>.pdf", views.MeetingDocumentView.as_view(), name="meeting-document"),
    path("items/<int:pk>/minutes/", views.MinutesView.as_view(), name="minutes"),
    path("items/<int:pk>/remove/", views.AgendaRemoveView.as_view(), name="agenda-remove"),
    path("items/<int:pk>/actions/new/", views.ActionAddView.as_view(), name="action-add"),
    # MARAC cases and actions
    path("m/", views.MaracCaseListView.as_view(), name="case-list"),
    path("m/<int:pk>/", views.MaracCaseDetailView.as_view(), name="case"),
    path("m/<int:pk>/close/", views.MaracCaseCloseView.as_view(), name="case-close"),
    path("m/<int:pk>/letters/", views.MaracCaseLettersView.as_view(), name="case-letters"),
    path("m/<int:pk>/<str:kind>.pdf", views.MaracCaseDocumentView.as_view(), name="case-document"),
    path("actions/<int:pk>/", views.ActionUpdateView.as_view(), name="action"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action-edit"),
    path("my-actions/", views.MyActionsView.as_view(), name="my-actions"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
]
