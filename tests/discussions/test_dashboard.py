"""The moderators' lead's dashboard: the queue's size, held and decided per day, the median time
from hold to decision, decisions per rule; who may see it; its query count."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from discussions.admin_views import DASHBOARD_DAYS, dashboard_numbers
from discussions.models import Comment, ModerationAction
from tests.factories import make_comment, make_user, parse_html, policy_rule

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/discussions/queuedcomment/dashboard/"
# Session, user, the moderator's group permissions, then the four figures' queries.
DASHBOARD_QUERIES = 8
Action = ModerationAction.Action
Status = Comment.Status


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def log(comment, action, at, rule=None):
    return ModerationAction.objects.create(
        action=action,
        comment=comment,
        article_id=comment.article_id,
        rule=rule,
        rule_number=rule.number if rule else None,
        rule_title=rule.title if rule else "",
        created_at=at,
    )


def history():
    """Three holds decided after 1, 3 and 8 hours, one hold still open, one decision without
    a hold, and one decision older than the window; two comments wait in the queue."""
    now = timezone.now()
    start = now - timedelta(days=2)
    rule2, rule6 = policy_rule(2), policy_rule(6)
    for hours, action, rule in ((1, Action.APPROVE, None), (3, Action.REMOVE, rule2),
                                (8, Action.SPAM, rule6)):  # fmt: skip
        comment = make_comment()
        log(comment, Action.HOLD, start)
        log(comment, action, start + timedelta(hours=hours), rule)
    waiting = make_comment(status=Status.PENDING)
    log(waiting, Action.HOLD, now - timedelta(hours=1))
    make_comment(status=Status.PENDING)
    log(make_comment(), Action.REMOVE, now - timedelta(hours=2), rule2)
    old = make_comment()
    log(old, Action.HOLD, now - timedelta(days=DASHBOARD_DAYS + 5))
    log(old, Action.APPROVE, now - timedelta(days=DASHBOARD_DAYS + 4))
    return now, start


def test_dashboard_numbers_count_the_queue_days_median_and_rules():
    now, start = history()

    numbers = dashboard_numbers(now)

    assert numbers["queue_size"] == 2
    assert len(numbers["days"]) == DASHBOARD_DAYS
    assert sum(day["held"] for day in numbers["days"]) == 4
    assert sum(day["decided"] for day in numbers["days"]) == 4
    assert numbers["days"][-1]["day"] == timezone.localdate(now)
    assert numbers["median"] == timedelta(hours=3)
    assert numbers["pairs"] == 3
    per_rule = {row["rule_number"]: row for row in numbers["per_rule"]}
    assert per_rule[2]["total"] == 2 and per_rule[2]["removed"] == 2
    assert per_rule[6]["spam"] == 1
    assert per_rule[None]["approved"] == 1


def test_dashboard_page_shows_table_and_an_accessible_chart(moderator):
    history()

    response = as_user(moderator).get(DASHBOARD)

    assert response.status_code == 200
    doc = parse_html(response.content)
    svg = doc.find("figure", cls="dashboard-chart").find("svg", role="img")
    assert svg.find("title") is not None and svg.find("desc") is not None
    assert len(svg.find_all("rect")) == 2 * DASHBOARD_DAYS
    text = " ".join(doc.text().split())
    assert "3 h 00 min" in text
    assert "Rule 2: No personal attacks" in text
    tables = doc.find_all("table", cls="dashboard-table")
    assert len(tables) == 2
    assert len(tables[0].find("tbody").find_all("tr")) == DASHBOARD_DAYS


def test_dashboard_is_linked_from_the_queue(moderator):
    page = as_user(moderator).get("/admin/discussions/queuedcomment/").content.decode()

    assert f'href="{DASHBOARD}"' in page


def test_dashboard_runs_a_fixed_number_of_queries(moderator, django_assert_num_queries):
    history()
    client = as_user(moderator)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(DASHBOARD).status_code == 200
    history()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(DASHBOARD).status_code == 200


def test_staff_outside_the_moderators_group_gets_403():
    assert as_user(make_user(is_staff=True)).get(DASHBOARD).status_code == 403


def test_a_reader_is_sent_to_the_admin_login():
    response = as_user(make_user()).get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_dashboard_is_linked_from_the_discussions_admin_index(moderator):
    page = as_user(moderator).get("/admin/discussions/").content.decode()

    assert f'href="{DASHBOARD}"' in page
