"""Every write to discussions, by sub-domain: posting (new comments, authors' edits and
deletes, the tree locks), votes, moderation (decisions, flags, sanctions, policy versions) and
imports. Each function is keyword-only, checks its own preconditions through the model
predicates, raises ActionRefused (or a subclass) with the reason, and writes its rows and
its moderation-log row in one transaction."""

from discussions.services.errors import ActionRefused, CommentRejected, ModerationError
from discussions.services.imports import ImportedComment, ImportOutcome, comments_import
from discussions.services.log import current_policy_version, log_action
from discussions.services.moderation import (
    comment_moderate,
    flag_check,
    flag_create,
    policy_publish,
    sanction_lift,
    user_sanction,
)
from discussions.services.posting import (
    article_touch,
    comment_delete,
    comment_edit,
    comment_post,
    comment_submit,
    lock_new_roots,
    lock_tree,
)
from discussions.services.votes import vote_cast, votes_recount

__all__ = [
    "ActionRefused", "CommentRejected", "ImportOutcome", "ImportedComment", "ModerationError",
    "article_touch", "comment_delete", "comment_edit", "comment_moderate", "comment_post",
    "comment_submit", "comments_import", "current_policy_version", "flag_check", "flag_create",
    "lock_new_roots", "lock_tree", "log_action", "policy_publish", "sanction_lift",
    "user_sanction", "vote_cast", "votes_recount",
]  # fmt: skip
