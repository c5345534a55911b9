"""The page around the plan page's cached body, cached too, for a repeat view that costs one
precompiled query.

A cached plan page used to cost, beside the body, the plan query (the ORM building and
compiling a query with four joins and four subqueries: ~3 ms of CPU, more than the rest of
the view), and drawing the frame around the body (header, status, links: ~1.5 ms). Both are
the same from one view to the next unless something the frame shows has changed. So:

- ``read`` runs one query, compiled by the ORM once per process (``_compiled``) with marker
  values for the user and the plan that each view swaps for its own: the plan's columns,
  its board's, the approver's name, the version it revises and the versions revising it,
  the reader's role (no role, no row: the access check, as ``get_plan_for_user``), and the
  other apps' page annotations (plans.extensions).
- The frame's key is a digest of that row, the user (and whether staff), their unread
  count and the templates: any change the frame could show changes the key, so a kept
  frame is never stale; a new key is simply drawn once.
- Frames are only kept where the row holds everything they show: no panel from another app
  (a review answered, a meeting decision named: their text is not in the row), no meeting
  decisions offered (a manager's draft), and no flash message waiting. Those views take the
  full path, as before.
- The CSRF token is drawn as a marker and each response gets the user's own, freshly masked.
"""

from __future__ import annotations

import functools
import hashlib
import re
import weakref
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from boards.access import BoardAccess
from boards.models import Membership

from . import page_cache
from .extensions import page_state, plan_page_annotation_providers, plan_page_annotations
from .models import BusinessPlan, PlanStatus

KEY_PREFIX = "plan-frame:"
# Where the body goes in the page drawn around it: the page is drawn around this marker and
# the body's bytes joined in, so a ~1 MB body is neither copied through the template
# engine nor encoded again on every view. Escaped text cannot contain it ("<" is escaped).
BODY_MARKER = "<!--plan-body-->"
# Where the CSRF token goes in a kept frame; it cannot occur in escaped text.
CSRF_MARKER = "csrf-token-marker-0b5e9c"
# Marker values compiled into the query in place of the user's and the plan's keys.
_USER_MARKER = -918_273_645
_PLAN_MARKER = -918_273_646
_FRAME_TEMPLATE_DIRS = ("templates", "plans/templates")


@dataclass(frozen=True, slots=True)
class FrameRow:
    plan_pk: int
    content_version: int
    status: str
    role: str
    has_panels: bool
    digest: str

    @property
    def access(self) -> BoardAccess:
        return BoardAccess(role=self.role, read_only=self.status == PlanStatus.ARCHIVED)


def _columns() -> tuple[list[str], list[str]]:
    """The names read: what the frame shows, and (last) the annotations other apps add."""
    plan_fields = [field.attname for field in BusinessPlan._meta.concrete_fields]
    shown = [
        *plan_fields,
        "board__name",
        "board__short_name",
        "board__slug",
        "approved_by__username",
        "approved_by__first_name",
        "approved_by__last_name",
        "revision_of__revision_number",
        "frame_role",
        "frame_draft_revision",
        "frame_approved_revision",
    ]
    return shown, list(plan_page_annotations())


def _compiled() -> tuple[str, tuple, list[str], list[str]]:
    # Compiled again only if the apps' annotation providers differ (fixed once apps are
    # ready; tests may register others). Keyed on the providers, not on the annotations they
    # return: building those querysets on every view cost ~0.3 ms of a ~5 ms cached view.
    return _compile(plan_page_annotation_providers())


@functools.cache
def _compile(providers: tuple) -> tuple[str, tuple, list[str], list[str]]:
    shown, annotated = _columns()
    role = Membership.objects.filter(user=_USER_MARKER, board=OuterRef("board")).order_by().values("role")[:1]
    revisions = BusinessPlan.objects.filter(revision_of=OuterRef("pk")).order_by("pk").values("pk")
    query = (
        BusinessPlan.objects.filter(pk=_PLAN_MARKER)
        .order_by()
        .annotate(
            frame_role=Subquery(role),
            frame_draft_revision=Subquery(revisions.filter(status=PlanStatus.DRAFT)[:1]),
            frame_approved_revision=Subquery(revisions.filter(approved_at__isnull=False)[:1]),
            **plan_page_annotations(),
        )
        .values_list(*shown, *annotated)
    )
    sql, params = query.query.sql_with_params()
    return sql, tuple(params), [*shown, *annotated], annotated


def read(user, plan_pk: int) -> FrameRow | None:
    """The row the frame is made from, or None when the plan is not there or the user holds
    no role on its board."""
    sql, params, names, annotated = _compiled()
    values = tuple(user.pk if p == _USER_MARKER else plan_pk if p == _PLAN_MARKER else p for p in params)
    with connection.cursor() as cursor:
        cursor.execute(*_as_prepared(sql, values))
        row = cursor.fetchone()
    if row is None:
        return None
    found = dict(zip(names, row, strict=True))
    if found["frame_role"] is None:
        return None
    return FrameRow(
        plan_pk=plan_pk,
        content_version=found["content_version"],
        status=found["status"],
        role=found["frame_role"],
        has_panels=any(found[name] for name in annotated),
        digest=hashlib.sha256(repr(row).encode()).hexdigest()[:32],
    )


# The statements prepared on each open PostgreSQL connection (psycopg's), by name: a
# connection closed and opened again is a new object, and starts with none.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def statement_name(sql: str) -> str:
    """The frame query's prepared statement's name: its SQL's (another set of panels from
    other apps, or another release, prepares its own)."""
    return f"plan_frame_{hashlib.sha256(sql.encode()).hexdigest()[:16]}"


def _as_prepared(sql: str, values: tuple) -> tuple[str, tuple]:
    """The frame's query as ``EXECUTE`` of a statement prepared on this connection, where
    PostgreSQL is used and DATABASE_PREPARED_STATEMENTS is on; else the query itself.

    Planning it (three joins, six subqueries) cost PostgreSQL more than running it: 0.49 ms
    a query against 0.18 ms for EXECUTE of the prepared statement (500 runs, 30 November),
    on a cached view of ~3 ms whose bare equivalent is ~1.6 ms. The statement is prepared
    once per connection, as Django sets a connection up (on the connection itself, so not
    counted among the page's queries); connections live for CONN_MAX_AGE. PREPARE is not
    undone by a rollback. Behind a transaction-mode pooler that does not keep prepared
    statements (PgBouncer before 1.21), set DATABASE_PREPARED_STATEMENTS off."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return sql, values
    name = statement_name(sql)
    raw = connection.connection
    prepared = _prepared.setdefault(raw, set())
    if name not in prepared:
        # Prepared already if this process lost its record of it (never in production).
        if not raw.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name]).fetchone():
            numbered = iter(range(1, len(values) + 1))
            text = re.sub(r"%s|%%", lambda m: f"${next(numbered)}" if m.group() == "%s" else "%", sql)
            raw.execute(f"PREPARE {name} AS {text}")
        prepared.add(name)
    return f"EXECUTE {name}({', '.join(['%s'] * len(values))})", values


@functools.cache
def _templates_digest() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for directory in _FRAME_TEMPLATE_DIRS:
        for path in sorted((settings.BASE_DIR / directory).rglob("*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(request: HttpRequest, row: FrameRow) -> str | None:
    """The kept frame's key for this view, or None when the frame shows what the row does not."""
    access = row.access
    if row.has_panels or (access.can_edit and row.status == PlanStatus.DRAFT):
        return None
    if len(messages.get_messages(request)):  # counted without marking them shown
        return None
    user = request.user
    return (
        f"{KEY_PREFIX}{row.plan_pk}:{_templates_digest()}:{row.digest}:{row.role}:"
        f"{user.pk}:{int(user.is_staff)}:{page_state(request)}"
    )


def get(frame_key: str) -> tuple[bytes, bytes] | None:
    """A kept frame (kept like bodies: this process's copy, else the shared cache)."""
    kept = page_cache.get(frame_key, what="frame")
    if kept is None:
        return None
    head, _, tail = kept.partition(BODY_MARKER.encode())
    return head, tail


def split(page: str) -> tuple[bytes, bytes]:
    """A page drawn around BODY_MARKER, as the bytes before and after it."""
    head, marker, tail = page.partition(BODY_MARKER)
    if not marker:
        raise ImproperlyConfigured("plans/plan_detail.html must show {{ body }}")
    return head.encode(), tail.encode()


def keep(frame_key: str, frame: tuple[bytes, bytes]) -> None:
    page_cache.keep(frame_key, BODY_MARKER.encode().join(frame))


def response(request: HttpRequest, frame: tuple[bytes, bytes], body: bytes) -> HttpResponse:
    """The page: the frame with the user's CSRF token (masked afresh, and the cookie set if
    it is new) around the body."""
    token = get_token(request).encode()
    head, tail = (part.replace(CSRF_MARKER.encode(), token) for part in frame)
    return HttpResponse(b"".join((head, body, tail)))
