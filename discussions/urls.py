from django.urls import path

from discussions import views

app_name = "discussions"

urlpatterns = [
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/vote/", views.vote, name="vote"),
    path("comments/<int:pk>/flag/", views.flag, name="flag"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comment-policy/", views.policy, name="policy"),
    path("moderation-log/", views.moderation_log, name="moderation_log"),
]
