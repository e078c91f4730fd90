from django.urls import path

from cases.views import anonymous, cases, persons, work

app_name = "cases"

urlpatterns = [
    path("cases/", cases.CaseListView.as_view(), name="case-list"),
    path("cases/new/", cases.IntakeView.as_view(), name="intake"),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case"),
    path("cases/<int:pk>/timeline/", cases.CaseTimelineView.as_view(), name="case-timeline"),
    path("cases/<int:pk>/edit/", cases.CaseEditView.as_view(), name="case-edit"),
    path("cases/<int:pk>/open-sealed/", cases.OpenSealedView.as_view(), name="case-open-sealed"),
    path("cases/<int:pk>/close/", cases.CaseCloseView.as_view(), name="case-close"),
    path("cases/<int:pk>/reopen/", cases.CaseReopenView.as_view(), name="case-reopen"),
    path("cases/<int:pk>/assign/", cases.CaseAssignView.as_view(), name="case-assign"),
    path("cases/<int:pk>/transfer/", cases.CaseTransferView.as_view(), name="case-transfer"),
    path("cases/<int:pk>/seal/", cases.CaseSealView.as_view(), name="case-seal"),
    path("cases/<int:pk>/persons/new/", cases.PartyAddView.as_view(), name="party-add"),
    path("cases/<int:pk>/contacts/new/", work.ContactAddView.as_view(), name="contact-add"),
    path("cases/<int:pk>/notes/new/", work.NoteAddView.as_view(), name="note-add"),
    path("cases/<int:pk>/plan/new/", work.PlanItemAddView.as_view(), name="plan-add"),
    path("cases/<int:pk>/plan/<int:item_pk>/status/", work.PlanItemStatusView.as_view(), name="plan-status"),
    path("cases/<int:pk>/tasks/new/", work.TaskAddView.as_view(), name="task-add"),
    path("cases/<int:pk>/tasks/<int:task_pk>/done/", work.TaskDoneView.as_view(), name="task-done"),
    path("cases/<int:pk>/documents/new/", work.AttachmentAddView.as_view(), name="attachment-add"),
    path("cases/<int:pk>/documents/<int:doc_pk>/", work.AttachmentDownloadView.as_view(), name="attachment"),
    path("persons/search/", persons.PersonSearchView.as_view(), name="person-search"),
    path("persons/<int:pk>/", persons.PersonDetailView.as_view(), name="person"),
    path("persons/<int:pk>/edit/", persons.PersonEditView.as_view(), name="person-edit"),
    path("persons/<int:pk>/safe-contact/", persons.SafeContactEditView.as_view(), name="safe-contact"),
    path("persons/<int:person_pk>/cases/new/", cases.IntakeView.as_view(), name="person-intake"),
    path("persons/<int:pk>/access-report/", persons.AccessReportView.as_view(), name="access-report"),
    path("anonymous/", anonymous.AnonymousListView.as_view(), name="anonymous-list"),
    path("anonymous/new/", anonymous.AnonymousAddView.as_view(), name="anonymous-add"),
    path("anonymous/<int:pk>/case/", anonymous.AnonymousConvertView.as_view(), name="anonymous-convert"),
]
