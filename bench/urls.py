from django.urls import path

from bench import views

urlpatterns = [path("empty/", views.empty, name="bench-empty")]
