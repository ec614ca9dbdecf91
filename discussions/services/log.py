"""The moderation log: every entry is written here, inside the transaction of its change."""

import re

from accounts.models import User
from discussions.models import Comment, ModerationAction, PolicyRule, PolicyVersion

Source = ModerationAction.Source

# The notes automatic steps write today: flags "3 reader flags", screening "held by screening
# (links)". Their numbers and codes survive translation of the words around them.
_FLAG_COUNT = re.compile(r"\s*(\d+)\b")
_SCREENING_CODE = re.compile(r"\(([a-z_]+)\)\s*$")


def current_policy_version() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-number").first()


def automatic_source(note: str) -> tuple[str, str, int | None]:
    """Return (source, code, flag_count) of an automatic entry, read from its note."""
    count = _FLAG_COUNT.match(note or "")
    if count:
        return Source.FLAGS, "", int(count.group(1))
    code = _SCREENING_CODE.search(note or "")
    return Source.SCREENING, code.group(1) if code else "", None


def log_action(
    *,
    action: str,
    moderator: User | None = None,
    comment: Comment | None = None,
    rule: PolicyRule | None = None,
    note: str = "",
    target_user: User | None = None,
    source: str | None = None,
    code: str = "",
    flag_count: int | None = None,
) -> ModerationAction:
    """Append one entry (moderator None: an automatic step, such as screening or flags).

    source says who decided, as the public log names it; when not given it is a moderator,
    except for a hold without one: flags or screening, read from its note (automatic_source). The
    rule is copied as it reads now, with the policy version it belongs to."""
    if source is None:
        if moderator is not None or action != ModerationAction.Action.HOLD:
            source = Source.MODERATOR
        else:
            source, parsed_code, parsed_count = automatic_source(note)
            code = code or parsed_code
            flag_count = flag_count if flag_count is not None else parsed_count
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        comment=comment,
        article_id=comment.article_id if comment else None,
        target_user=target_user,
        rule=rule,
        rule_number=rule.number if rule else None,
        rule_title=rule.title if rule else "",
        policy_version=current_policy_version() if rule else None,
        note=note[:500],
        source=source,
        code=code[:40],
        flag_count=flag_count,
    )
