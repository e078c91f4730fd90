from django.urls import path

from referrals.views import invoices, providers, referrals

app_name = "referrals"

urlpatterns = [
    path("providers/", providers.ProviderListView.as_view(), name="provider-list"),
    path("providers/new/", providers.ProviderEditView.as_view(), name="provider-add"),
    path("providers/<int:pk>/", providers.ProviderDetailView.as_view(), name="provider"),
    path("providers/<int:pk>/edit/", providers.ProviderEditView.as_view(), name="provider-edit"),
    path("providers/<int:pk>/specialists/new/", providers.SpecialistEditView.as_view(), name="specialist-add"),
    path("specialists/<int:specialist_pk>/edit/", providers.SpecialistEditView.as_view(), name="specialist-edit"),
    path("providers/<int:pk>/contracts/new/", providers.ContractEditView.as_view(), name="contract-add"),
    path("contracts/<int:pk>/tariffs/new/", providers.TariffAddView.as_view(), name="tariff-add"),
    path("decisions/<int:pk>/referral/", referrals.ReferralCreateView.as_view(), name="referral-add"),
    path("<int:pk>/", referrals.ReferralDetailView.as_view(), name="referral"),
    path("<int:pk>/letter/", referrals.ReferralLetterView.as_view(), name="referral-letter"),
    path("<int:pk>/answer/", referrals.ReferralRespondView.as_view(), name="referral-respond"),
    path("<int:pk>/cancel/", referrals.ReferralCancelView.as_view(), name="referral-cancel"),
    path("<int:pk>/complete/", referrals.ReferralCompleteView.as_view(), name="referral-complete"),
    path("<int:pk>/extend/", referrals.ReferralExtendView.as_view(), name="referral-extend"),
    path(
        "<int:pk>/extensions/<int:extension_pk>/letter/",
        referrals.ReferralExtensionLetterView.as_view(),
        name="referral-extension-letter",
    ),
]

# Invoices, payments and the budget.
billing_patterns = [
    path("invoices/", invoices.InvoiceListView.as_view(), name="invoice-list"),
    path("invoices/new/", invoices.InvoiceCreateView.as_view(), name="invoice-add"),
    path("invoices/import/", invoices.InvoiceImportView.as_view(), name="invoice-import"),
    path("invoices/<int:pk>/", invoices.InvoiceDetailView.as_view(), name="invoice"),
    path("invoices/<int:pk>/lines/", invoices.InvoiceLineAddView.as_view(), name="invoice-line-add"),
    path(
        "invoices/<int:pk>/lines/<int:line_pk>/decision/",
        invoices.InvoiceLineDecideView.as_view(),
        name="invoice-line-decide",
    ),
    path(
        "invoices/<int:pk>/lines/accept-passed/",
        invoices.InvoiceLinesAcceptPassedView.as_view(),
        name="invoice-lines-accept-passed",
    ),
    path("invoices/<int:pk>/checked/", invoices.InvoiceCheckView.as_view(), name="invoice-check"),
    path(
        "invoices/<int:pk>/approve/",
        invoices.InvoiceApproveView.as_view(),
        name="invoice-approve",
    ),
    path(
        "invoices/<int:pk>/reject/",
        invoices.InvoiceRejectView.as_view(),
        name="invoice-reject",
    ),
    path(
        "invoices/<int:pk>/paid/",
        invoices.InvoicePaidView.as_view(),
        name="invoice-paid",
    ),
    path("payments/", invoices.PaymentExportView.as_view(), name="payments"),
    path("payments/<int:pk>/<str:kind>/", invoices.PaymentFileView.as_view(), name="payment-file"),
    path("budget/", invoices.BudgetView.as_view(), name="budget"),
]
urlpatterns += billing_patterns
