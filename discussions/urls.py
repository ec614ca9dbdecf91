from django.urls import path

from discussions import live, profiles, views

app_name = "discussions"

urlpatterns = [
    path("articles/<str:slug>/discussion/state/", live.discussion_state, name="discussion_state"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/vote/", views.vote, name="vote"),
    path("comments/<int:pk>/flag/", views.flag, name="flag"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comment-policy/", views.policy, name="policy"),
    path("moderation-log/", views.moderation_log, name="moderation_log"),
    # <path:>: a username made outside sign-up (admin, imports) may hold a "/"; its links work.
    path("users/<path:username>/", profiles.profile, name="profile"),
]
