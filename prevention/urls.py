from django.urls import path

from prevention.views import answers, plans, questionnaires
from prevention.views import materials as views

app_name = "prevention"

urlpatterns = [
    path("", plans.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", plans.PlanAddView.as_view(), name="plan-add"),
    path("plans/<int:year>/", plans.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:year>/edit/", plans.PlanEditView.as_view(), name="plan-edit"),
    path("plans/<int:year>/projects/new/", plans.ProjectAddView.as_view(), name="project-add"),
    path("plans/<int:year>/activities/new/", plans.ActivityAddView.as_view(), name="activity-add"),
    path("projects/<int:pk>/", plans.ProjectDetailView.as_view(), name="project"),
    path("projects/<int:pk>/edit/", plans.ProjectEditView.as_view(), name="project-edit"),
    path("projects/<int:pk>/spending/new/", plans.ExpenseAddView.as_view(), name="expense-add"),
    path("activities/", plans.ActivityListView.as_view(), name="activity-list"),
    path("activities/<int:pk>/", plans.ActivityDetailView.as_view(), name="activity"),
    path("activities/<int:pk>/edit/", plans.ActivityEditView.as_view(), name="activity-edit"),
    path("activities/<int:pk>/held/", plans.ActivityHeldView.as_view(), name="activity-held"),
    path("activities/<int:pk>/cancel/", plans.ActivityCancelView.as_view(), name="activity-cancel"),
    path("activities/<int:pk>/participants/", plans.ParticipantsView.as_view(), name="participants"),
    path("activities/<int:pk>/answers/open/", plans.AnswersOpenView.as_view(), name="answers-open"),
    path("activities/<int:pk>/answers/close/", plans.AnswersCloseView.as_view(), name="answers-close"),
    path("effectiveness/", plans.EffectivenessView.as_view(), name="effectiveness"),
    path("questionnaires/", questionnaires.QuestionnaireListView.as_view(), name="questionnaire-list"),
    path("questionnaires/new/", questionnaires.QuestionnaireAddView.as_view(), name="questionnaire-add"),
    path("questionnaires/<int:pk>/", questionnaires.QuestionnaireDetailView.as_view(), name="questionnaire"),
    path("questionnaires/<int:pk>/questions/new/", questionnaires.QuestionAddView.as_view(), name="question-add"),
    path("questionnaires/<int:pk>/offer/", questionnaires.QuestionnaireOfferView.as_view(), name="questionnaire-offer"),
    path(
        "questionnaires/<int:pk>/withdraw/",
        questionnaires.QuestionnaireWithdrawView.as_view(),
        name="questionnaire-withdraw",
    ),
    path("questionnaires/<int:pk>/copy/", questionnaires.QuestionnaireCopyView.as_view(), name="questionnaire-copy"),
    path("questions/<int:pk>/edit/", questionnaires.QuestionEditView.as_view(), name="question-edit"),
    path("questions/<int:pk>/remove/", questionnaires.QuestionRemoveView.as_view(), name="question-remove"),
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
    path("answer/<str:key>/<str:phase>/", answers.AnswerView.as_view(), name="answer"),
]
