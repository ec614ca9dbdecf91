from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<str:slug>/", views.detail, name="detail"),
    path("category/<str:slug>/", views.category, name="category"),
    path("tag/<str:slug>/", views.tag, name="tag"),
]
