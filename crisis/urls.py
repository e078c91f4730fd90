from django.urls import path

from crisis import views

app_name = "crisis"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("new/", views.EventOpenView.as_view(), name="event-open"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="event"),
    path("<int:pk>/edit/", views.EventEditView.as_view(), name="event-edit"),
    path("<int:pk>/close/", views.EventCloseView.as_view(), name="event-close"),
    path("<int:pk>/roster/", views.RosterAddView.as_view(), name="roster-add"),
    path("roster/<int:pk>/end/", views.RosterEndView.as_view(), name="roster-end"),
    path("<int:pk>/register/", views.RegisterView.as_view(), name="register"),
    path("registrations/<int:pk>/", views.RegistrationDetailView.as_view(), name="registration"),
    path("registrations/<int:pk>/first-aid/", views.FirstAidView.as_view(), name="first-aid"),
    path("registrations/<int:pk>/follow-up/", views.FollowUpView.as_view(), name="follow-up"),
    path("registrations/<int:pk>/refer/", views.ReferView.as_view(), name="refer"),
    path("registrations/<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("registrations/<int:pk>/case/", views.OpenCaseView.as_view(), name="open-case"),
]
