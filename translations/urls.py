from django.urls import path

from translations import views

app_name = "translations"

urlpatterns = [
    path("articles/<str:slug>/translation-reports/", views.report, name="report"),
    path("corrections/", views.corrections, name="corrections"),
]
