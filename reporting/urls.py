from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("statistics/", views.StatisticsDashboardView.as_view(), name="dashboard"),
    path("statistics/compute/", views.StatisticsComputeView.as_view(), name="statistics-compute"),
    path("statistics/reports/", views.YearlyReportsView.as_view(), name="yearly-reports"),
    path("statistics/reports/<int:pk>/", views.YearlyReportDownloadView.as_view(), name="yearly-report"),
    path("statistics/feedback/", views.FeedbackResultsView.as_view(), name="feedback-results"),
    path("cases/<int:pk>/feedback/", views.FeedbackInviteView.as_view(), name="feedback-invite"),
    path("feedback/slip/", views.FeedbackSlipView.as_view(), name="feedback-slip"),
    path("feedback/thanks/", views.FeedbackThanksView.as_view(), name="feedback-thanks"),
    path("feedback/<str:token>/", views.FeedbackSurveyView.as_view(), name="feedback-survey"),
    path("my-work/", views.OwnWorkView.as_view(), name="own-work"),
]
