"""/robots.txt: plain text for crawlers, naming the sitemap."""

import pytest

pytestmark = pytest.mark.django_db


def test_robots_txt_is_plain_text_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_robots_txt_names_the_sitemap_on_the_host_it_was_asked_for(client):
    response = client.get("/robots.txt", secure=True, HTTP_HOST="localhost")

    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode().splitlines()
