from django.urls import path

from prevention import views

app_name = "prevention"

urlpatterns = [
    path("materials/", views.MaterialListView.as_view(), name="material-list"),
    path("materials/new/", views.MaterialAddView.as_view(), name="material-add"),
    path("materials/<int:pk>/", views.MaterialDetailView.as_view(), name="material"),
    path("materials/<int:pk>/edit/", views.MaterialEditView.as_view(), name="material-edit"),
    path("materials/<int:pk>/files/new/", views.FileAddView.as_view(), name="file-add"),
    path("materials/<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("materials/<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("materials/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("materials/<int:pk>/revise/", views.ReviseView.as_view(), name="revise"),
    path("materials/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("materials/<int:pk>/reviewed/", views.ReviewedView.as_view(), name="reviewed"),
    path("files/<int:pk>/", views.FileView.as_view(), name="file"),
    # Public, without login.
    path("public/", views.PublicListView.as_view(), name="public"),
    path("public/feed.json", views.PublicFeedView.as_view(), name="public-feed"),
    path("public/<int:pk>/<str:language>/", views.PublicFileView.as_view(), name="public-file"),
]
