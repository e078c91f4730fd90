from django.urls import path

from mediation import views

app_name = "mediation"

urlpatterns = [
    path("", views.MediationListView.as_view(), name="list"),
    path("new/", views.MediationReceiveView.as_view(), name="receive"),
    path("<int:pk>/", views.MediationDetailView.as_view(), name="mediation"),
    path("<int:pk>/edit/", views.MediationEditView.as_view(), name="edit"),
    path("<int:pk>/appoint/", views.AppointView.as_view(), name="appoint"),
    path("<int:pk>/meetings/new/", views.MeetingView.as_view(), name="meeting-add"),
    path("<int:pk>/agreement/", views.AgreementView.as_view(), name="agreement"),
    path("<int:pk>/obligations/new/", views.ObligationAddView.as_view(), name="obligation-add"),
    path("obligations/<int:pk>/settle/", views.ObligationSettleView.as_view(), name="obligation-settle"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("<int:pk>/new-offence/", views.NewOffenceView.as_view(), name="new-offence"),
    path("<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("<int:pk>/report/letter/", views.ReportLetterView.as_view(), name="report-letter"),
]
