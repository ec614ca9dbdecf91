from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.mark_read, name="read"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("articles/<str:slug>/follow/", views.follow_article, name="follow_article"),
    path("comments/<int:pk>/follow/", views.follow_comment, name="follow_comment"),
    path("comments/<int:pk>/mute/", views.mute_comment, name="mute_comment"),
]
