"""URLs of the volunteers app."""

from django.urls import path

from volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/thanks/", views.ApplyThanksView.as_view(), name="apply-thanks"),
    path("", views.VolunteerListView.as_view(), name="volunteer-list"),
    path("<int:pk>/", views.VolunteerDetailView.as_view(), name="volunteer"),
    path("<int:pk>/edit/", views.VolunteerEditView.as_view(), name="volunteer-edit"),
    path("<int:pk>/step/", views.VolunteerStepView.as_view(), name="volunteer-step"),
    path("<int:pk>/user/", views.VolunteerUserCreateView.as_view(), name="volunteer-user"),
    path("<int:pk>/assign/", views.CoordinatorAssignView.as_view(), name="volunteer-assign"),
    # staff: volunteer support on a case
    path("cases/<int:pk>/", views.CaseVolunteersView.as_view(), name="case"),
    path("cases/<int:pk>/assign/", views.AssignmentCreateView.as_view(), name="assignment-add"),
    path("assignments/<int:pk>/end/", views.AssignmentEndView.as_view(), name="assignment-end"),
    # the volunteer's own pages
    path("my/", views.MyClientsView.as_view(), name="my-clients"),
    path("my/month/", views.MyMonthView.as_view(), name="my-month"),
    path("my/clients/<int:pk>/", views.ClientCardView.as_view(), name="client-card"),
    path("my/activities/new/", views.ActivityAddView.as_view(), name="activity-add"),
    path("my/activities/<int:pk>/edit/", views.ActivityEditView.as_view(), name="activity-edit"),
    path("my/activities/<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity-delete"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("my/year/", views.MyYearView.as_view(), name="my-year"),
    # supervision
    path("<int:pk>/supervision/new/", views.SupervisionContactAddView.as_view(), name="supervision-add"),
    path("group-sessions/", views.GroupSessionListView.as_view(), name="group-sessions"),
    path("group-sessions/new/", views.GroupSessionAddView.as_view(), name="group-session-add"),
    # trainings
    path("trainings/", views.TrainingListView.as_view(), name="trainings"),
    path("trainings/new/", views.TrainingAddView.as_view(), name="training-add"),
    path("trainings/<int:pk>/", views.TrainingDetailView.as_view(), name="training"),
    path("trainings/<int:pk>/approve/", views.TrainingApproveView.as_view(), name="training-approve"),
    path("attendances/<int:pk>/certificate/", views.CertificateView.as_view(), name="certificate"),
    # expense reports and their payment
    path("my/month/submit/", views.MonthSubmitView.as_view(), name="month-submit"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("reports/<int:pk>/approve/", views.ReportApproveView.as_view(), name="report-approve"),
    path("reports/<int:pk>/return/", views.ReportReturnView.as_view(), name="report-return"),
    path("payments/", views.ExpensePaymentsView.as_view(), name="payments"),
    path("payments/<int:pk>/<str:kind>/", views.ExpensePaymentFileView.as_view(), name="payment-file"),
]
