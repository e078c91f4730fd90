from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/<int:pk>/", views.StatisticsRunView.as_view(), name="statistics-run"),
]
