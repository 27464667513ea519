from django.urls import path

from . import views

urlpatterns = [
    path("talks/", views.board, name="talk_board"),
    path("talks/new/", views.topic_new, name="talk_new"),
    path("talks/<int:topic_id>/", views.topic_detail, name="talk_detail"),
    path("talks/<int:topic_id>/edit/", views.topic_edit, name="talk_edit"),
    path("talks/<int:topic_id>/poster/", views.topic_poster, name="talk_poster"),
    path("talks/<int:topic_id>/do", views.topic_action, name="talk_action"),
    path("talks/tasks/", views.task_inbox, name="talk_task_inbox"),
    path("talks/tasks/<int:task_id>/do", views.task_action, name="talk_task_action"),
    path("talks/queue/", views.org_queue, name="talk_queue"),
    path("talks/figures/", views.figures, name="talk_figures"),
    path("talks/figures.xlsx", views.figures_xlsx, name="talk_figures_xlsx"),
]
