from django.urls import path

from discussions import views

app_name = "discussions"

urlpatterns = [
    path("articles/<str:slug>/comments/", views.comment_create, name="create"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/vote/", views.vote, name="vote"),
    path("comment-policy/", views.policy, name="policy"),
]
