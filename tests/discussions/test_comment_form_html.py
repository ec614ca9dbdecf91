"""The article page's blank comment form, rendered once with a slot for the CSRF token
(discussions.pages.comment_form_html): the same HTML as the template renders afresh, for
every reader, with each request's own token."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import _unmask_cipher_token
from django.template.loader import render_to_string
from django.test import RequestFactory

from discussions import pages
from discussions.forms import CommentForm
from discussions.models import Sanction
from discussions.sorts import Sort
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def fresh(request, article, **kwargs):
    """The form as the template renders it for this request, nothing cached."""
    context = {"article": article, "form": CommentForm(), "sort": Sort.BEST, "parent_id": None,
               "form_id": None, "is_reply": False, **kwargs}  # fmt: skip
    return render_to_string(pages.COMMENT_FORM_TEMPLATE, context, request)


@pytest.mark.parametrize("kind", [{}, {"form_id": "reply-form", "is_reply": True}])
def test_the_blank_form_is_the_templates_own_for_each_reader_with_their_token(kind):
    article = make_article()
    article.own_sanction_kind = None
    pages._BLANK_FORMS.clear()
    for user in (make_user(display_name="First Reader"), make_user(display_name="Second")):
        request = request_for(user)
        html = str(pages.comment_form_html(request, article, form=CommentForm(), sort=Sort.BEST,
                                           **kind))  # fmt: skip
        expected = fresh(request_for(user), article, **kind)
        assert TOKEN.sub("TOKEN", html) == TOKEN.sub("TOKEN", expected)
        assert user.display_name not in html
        # The token is this request's: it unmasks to the secret of its CSRF cookie.
        (token,) = TOKEN.findall(html)
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert len(pages._BLANK_FORMS) == 1


def test_a_form_with_the_readers_text_or_a_sanction_is_rendered_afresh():
    article = make_article()
    reader = make_user()
    article.own_sanction_kind = None
    pages._BLANK_FORMS.clear()
    bound = CommentForm({"body": ""}, article=article)
    assert not bound.is_valid()
    html = str(pages.comment_form_html(request_for(reader), article, form=bound, sort=Sort.BEST))
    assert "form-errors" in html
    article.own_sanction_kind = Sanction.Kind.BAN
    html = str(pages.comment_form_html(request_for(reader), article, form=CommentForm(),
                                       sort=Sort.BEST))  # fmt: skip
    assert 'class="sanction-notice"' in html
    assert pages._BLANK_FORMS == {}


def test_the_sign_in_prompt_is_the_templates_own_for_its_address():
    article = make_article()
    pages._BLANK_FORMS.clear()
    for path in ("/articles/x/", "/articles/x/?sort=newest", "/articles/x/"):
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        html = str(pages.comment_form_html(request, article, form=CommentForm(), sort=Sort.BEST))
        assert html == fresh(request, article)
        assert f"?next={path.replace('?', '%3F').replace('=', '%3D')}" in html
    assert len(pages._BLANK_FORMS) == 2
