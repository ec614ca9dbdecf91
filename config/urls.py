from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.forms import LoginForm
from articles.feeds import LatestArticlesFeed
from articles.sitemaps import ArticleSitemap
from config import views
from core.metrics import metrics_view

urlpatterns = [
    path("", include("articles.urls")),
    path("", include("discussions.urls")),
    path("", include("notifications.urls")),
    path("", include("glossary.urls")),
    path("", include("translations.urls")),
    path("", include("search.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("admin/", include("staff_auth.urls")),
    path("admin/", admin.site.urls),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"articles": ArticleSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots_txt",
    ),
]

handler500 = "config.views.server_error"
