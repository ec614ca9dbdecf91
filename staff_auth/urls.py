from django.urls import path

from staff_auth import views

app_name = "staff_auth"

# Included under admin/ (config/urls.py), ahead of the admin's own URLs.
urlpatterns = [
    path("2fa/setup/", views.setup, name="setup"),
    path("2fa/verify/", views.verify, name="verify"),
]
