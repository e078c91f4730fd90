from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("statistics/", views.StatisticsDashboardView.as_view(), name="dashboard"),
    path("statistics/compute/", views.StatisticsComputeView.as_view(), name="statistics-compute"),
    path("statistics/reports/", views.YearlyReportsView.as_view(), name="yearly-reports"),
    path("statistics/reports/<int:pk>/", views.YearlyReportDownloadView.as_view(), name="yearly-report"),
    path("my-work/", views.OwnWorkView.as_view(), name="own-work"),
]
