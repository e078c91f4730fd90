from django.urls import path

from compensation import views

app_name = "compensation"

urlpatterns = [
    path("", views.ClaimListView.as_view(), name="claim-list"),
    path("cases/<int:pk>/new/", views.ClaimOpenView.as_view(), name="claim-add"),
    path("new/", views.ClaimOpenForPersonView.as_view(), name="claim-add-person"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim"),
    path("claims/<int:pk>/edit/", views.ClaimEditView.as_view(), name="claim-edit"),
    path("claims/<int:pk>/crime/", views.CrimeEditView.as_view(), name="crime-edit"),
    path("claims/<int:pk>/withdraw/", views.ClaimWithdrawView.as_view(), name="claim-withdraw"),
    path("claims/<int:pk>/items/new/", views.ItemAddView.as_view(), name="item-add"),
    path("claims/<int:pk>/documents/new/", views.DocumentAddView.as_view(), name="document-add"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item-edit"),
    path("items/<int:pk>/remove/", views.ItemRemoveView.as_view(), name="item-remove"),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document"),
]

urlpatterns += [
    path("claims/<int:pk>/decisions/new/", views.DecisionDraftView.as_view(), name="decision-add"),
    path("decisions/<int:pk>/", views.DecisionDetailView.as_view(), name="decision"),
    path("decisions/<int:pk>/edit/", views.DecisionEditView.as_view(), name="decision-edit"),
    path("decisions/<int:pk>/submit/", views.DecisionSubmitView.as_view(), name="decision-submit"),
    path("decisions/<int:pk>/approve/", views.DecisionApproveView.as_view(), name="decision-approve"),
    path("decisions/<int:pk>/return/", views.DecisionReturnView.as_view(), name="decision-return"),
    path("decisions/<int:pk>/discard/", views.DecisionDiscardView.as_view(), name="decision-discard"),
    path("claims/<int:pk>/reopen/", views.ClaimReopenView.as_view(), name="claim-reopen"),
    path("claims/<int:pk>/keep-decision/", views.ClaimKeepDecisionView.as_view(), name="claim-keep-decision"),
    path("decisions/<int:pk>/deliver/", views.DecisionDeliverView.as_view(), name="decision-deliver"),
    path("decisions/<int:pk>/letter/", views.DecisionLetterView.as_view(), name="decision-letter"),
    path("decisions/<int:pk>/payments/approve/", views.PaymentsApproveView.as_view(), name="payments-approve"),
    path("decisions/<int:pk>/payments/stop/", views.PeriodicStopView.as_view(), name="payments-stop"),
    path("payments/", views.PaymentsView.as_view(), name="payments"),
    path("payments/regions/<int:pk>/file/", views.PaymentFileMakeView.as_view(), name="payment-file-make"),
    path("payments/files/<int:pk>/", views.PaymentFileView.as_view(), name="payment-file"),
]

urlpatterns += [
    path("claims/<int:pk>/requests/new/", views.RequestSendView.as_view(), name="request-add"),
    path("requests/<int:pk>/answer/", views.RequestAnswerView.as_view(), name="request-answer"),
    path("requests/<int:pk>/letter/", views.RequestLetterView.as_view(), name="request-letter"),
    path("claims/<int:pk>/opinions/new/", views.OpinionAskView.as_view(), name="opinion-add"),
    path("opinions/", views.MyOpinionsView.as_view(), name="my-opinions"),
    path("opinions/<int:pk>/", views.OpinionView.as_view(), name="opinion"),
    path("opinions/<int:pk>/documents/<int:doc_pk>/", views.OpinionDocumentView.as_view(), name="opinion-document"),
]
