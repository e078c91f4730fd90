from django.urls import path

from compensation import views

app_name = "compensation"

urlpatterns = [
    path("", views.ClaimListView.as_view(), name="claim-list"),
    path("cases/<int:pk>/new/", views.ClaimOpenView.as_view(), name="claim-add"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim"),
    path("claims/<int:pk>/edit/", views.ClaimEditView.as_view(), name="claim-edit"),
    path("claims/<int:pk>/crime/", views.CrimeEditView.as_view(), name="crime-edit"),
    path("claims/<int:pk>/items/new/", views.ItemAddView.as_view(), name="item-add"),
    path("claims/<int:pk>/documents/new/", views.DocumentAddView.as_view(), name="document-add"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item-edit"),
    path("items/<int:pk>/remove/", views.ItemRemoveView.as_view(), name="item-remove"),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document"),
]
