from django.urls import path

from articles import views
from articles.feeds import CategoryFeed

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<str:slug>/", views.detail, name="detail"),
    path("articles/<str:slug>/comments/", views.comment_create, name="comments"),
    path("articles/<str:slug>/visited/", views.visited, name="visited"),
    path("category/<str:slug>/feed/", CategoryFeed(), name="category_feed"),
    path("category/<str:slug>/", views.category, name="category"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("translators/<str:slug>/", views.translator, name="translator"),
]
