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
]
