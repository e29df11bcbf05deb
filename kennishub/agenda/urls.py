from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("", views.agenda_index, name="index"),
    path("export.<str:fmt>", views.export_agenda, name="export"),
    path("vragen/", views.question_list, name="question_list"),
    path("vragen/<int:pk>/", views.question_detail, name="question_detail"),
    path("vragen/<int:pk>/steunen/", views.support_question, name="support"),
    path("vragen/<int:pk>/bewerken/", views.edit_question, name="edit_question"),
    path("vraag-stellen/", views.submit_question, name="submit"),
    path("vraag-stellen/vergelijkbaar/", views.similar_hints, name="similar_hints"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("mijn-vragen/", views.my_questions, name="my_questions"),
    path("beheer/", views.moderation_queue, name="moderation_queue"),
    path("beheer/vragen/<int:pk>/", views.moderate_question, name="moderate_question"),
    path("beheer/vragen/<int:pk>/<slug:action>/", views.question_action, name="question_action"),
    path("beheer/samenvoegingen/<int:pk>/ongedaan-maken/", views.undo_merge, name="undo_merge"),
    path("beheer/clusters/", views.manage_clusters, name="manage_clusters"),
    path("beheer/clusters/voorstellen/", views.propose_clusters, name="propose_clusters"),
    path("beheer/clusters/<int:pk>/", views.manage_cluster, name="manage_cluster"),
    path("beheer/clusters/<int:pk>/<slug:action>/", views.cluster_action, name="cluster_action"),
    path("beheer/routes/<int:pk>/status/", views.route_update, name="route_update"),
    path("jury/", views.jury_clusters, name="jury_clusters"),
    path("jury/clusters/<int:pk>/", views.score_cluster, name="score_cluster"),
]
