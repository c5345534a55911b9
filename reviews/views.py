"""Review pages. Thin: access checks in access.py, figures in traceability.py,
writes in linking.py and improvement.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from boards.access import get_board_for_user
from plans.models import BusinessPlan
from safeguarding.request_types import HtmxHttpRequest

from .access import (
    get_action_in_partnership,
    get_evidence_for_user,
    get_partnership_for_user,
    get_recommendation_for_user,
    get_review_for_user,
    partnership_access,
    visible_partnerships,
)
from .clocks import RULES, clocks_of
from .forms import (
    REVIEW_PARTS,
    ImpactEvidenceForm,
    ImprovementPlanForm,
    LinkActionForm,
    MonitoringBodyForm,
    NotImplementedForm,
    RecommendationForm,
    ReviewForm,
)
from .improvement import start_improvement_plan
from .in_progress import reviews_in_progress
from .linking import link_action, unlink_action
from .models import (
    Finding,
    ImprovementPlan,
    MonitoringBody,
    NotImplementedDecision,
    Recommendation,
    Response,
    Review,
    ReviewReport,
)
from .traceability import coverage_for_reviews, review_coverage


def _reviews_with_coverage(reviews) -> list[tuple[Review, object]]:
    reviews = list(reviews)
    coverage = coverage_for_reviews([review.pk for review in reviews], timezone.localdate())
    return [(review, coverage[review.pk]) for review in reviews]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Every partnership the user belongs to, with its reviews."""
    partnerships = list(visible_partnerships(request.user).order_by("name"))
    reviews = Review.objects.filter(partnership__in=partnerships).order_by("-on_site_start", "title")
    rows = _reviews_with_coverage(reviews)
    sections = [
        (partnership, [(review, cov) for review, cov in rows if review.partnership_id == partnership.pk])
        for partnership in partnerships
    ]
    if len(sections) == 1:
        return redirect("reviews:partnership", slug=sections[0][0].slug)
    return render(request, "reviews/index.html", {"sections": sections})


@login_required
def partnership_reviews(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, access = get_partnership_for_user(request.user, slug)
    reviews = partnership.reviews.order_by("-on_site_start", "title")
    return render(
        request,
        "reviews/partnership_reviews.html",
        {"partnership": partnership, "access": access, "rows": _reviews_with_coverage(reviews)},
    )


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = get_review_for_user(request.user, pk)
    today = timezone.localdate()
    review = (
        Review.objects.filter(pk=review.pk)
        .select_related("partnership")
        .prefetch_related(
            Prefetch("reports", queryset=ReviewReport.objects.select_related("board")),
            "sub_judgements",
            "team",
            "focus_themes",
            "strands",
            Prefetch(
                "findings", queryset=Finding.objects.select_related("theme", "not_implemented_decision")
            ),
            Prefetch(
                "improvement_plans",
                queryset=ImprovementPlan.objects.select_related("plan__board").prefetch_related(
                    Prefetch(
                        "plan__monitoring_bodies", queryset=MonitoringBody.objects.select_related("board")
                    )
                ),
            ),
        )
        .get()
    )
    coverage = review_coverage(review.pk, today)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "access": access,
            "coverage": coverage,
            "clocks": clocks_of(review, today),
            "today": today,
            "themes": [t for t in review.focus_themes.all() if t.kind == "theme"],
            "issues": [t for t in review.focus_themes.all() if t.kind == "issue"],
            "lines_of_enquiry": [t for t in review.focus_themes.all() if t.kind == "line_of_enquiry"],
        },
    )


SavedT = TypeVar("SavedT")


def _save_or_report(form: forms.BaseForm, save: Callable[[], SavedT]) -> SavedT | None:
    """Save inside a transaction; if another manager took the same number or title in the
    meantime (the unique constraint wins the race), say so on the form instead of failing."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError:
        form.add_error(None, "Someone else saved a clashing number or title just now. Check and try again.")
        return None


def _form_page(request, template: str, form, **context) -> HttpResponse:
    if context.get("review") is not None:
        context.setdefault("partnership", context["review"].partnership)
    return render(request, template, {"form": form, **context}, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, access = get_partnership_for_user(request.user, slug)
    access.require_manage()
    form = ReviewForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid() and (review := _save_or_report(form, form.save)):
        messages.success(request, f"Review “{review.title}” added.")
        return redirect(review)
    return _form_page(
        request, "reviews/form_page.html", form, partnership=partnership, heading="Add a review", back=None
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = get_review_for_user(request.user, pk)
    access.require_manage()
    form = ReviewForm(request.POST or None, instance=review, partnership=review.partnership)
    if request.method == "POST" and form.is_valid() and _save_or_report(form, form.save) is not None:
        messages.success(request, "Review saved.")
        return redirect(review)
    return _form_page(
        request, "reviews/form_page.html", form, review=review, heading="Edit the review", back=review
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = get_review_for_user(request.user, pk)
    access.require_manage()
    form = RecommendationForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid() and (recommendation := _save_or_report(form, form.save)):
        messages.success(request, f"Recommendation {recommendation.number} added.")
        return redirect(recommendation)
    return _form_page(
        request, "reviews/form_page.html", form, review=review, heading="Add a recommendation", back=review
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation, access = get_recommendation_for_user(request.user, pk)
    access.require_manage()
    review = recommendation.review
    form = RecommendationForm(request.POST or None, instance=recommendation, review=review)
    if request.method == "POST" and form.is_valid() and (saved := _save_or_report(form, form.save)):
        messages.success(request, f"Recommendation {saved.number} saved.")
        return redirect(saved)
    return _form_page(
        request,
        "reviews/form_page.html",
        form,
        review=review,
        heading=f"Edit recommendation {recommendation.number}",
        back=review,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_link(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation, access = get_recommendation_for_user(request.user, pk)
    access.require_manage()
    form = LinkActionForm(request.POST or None, recommendation=recommendation)
    if request.method == "POST" and form.is_valid():
        try:
            link = link_action(recommendation, form.cleaned_data["action"].pk, request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("action", message)
        else:
            messages.success(request, f"Action linked to recommendation {recommendation.number}.")
            return redirect(link.recommendation)
    return _form_page(
        request,
        "reviews/form_page.html",
        form,
        review=recommendation.review,
        recommendation=recommendation,
        heading=f"Link an action to recommendation {recommendation.number}",
        back=recommendation,
    )


@login_required
@require_POST
def recommendation_unlink(request: HtmxHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    recommendation, access = get_recommendation_for_user(request.user, pk)
    access.require_manage()
    if not unlink_action(recommendation, action_pk):
        raise Http404("That action is not linked to this recommendation.")
    message = f"Action unlinked from recommendation {recommendation.number}."
    if request.htmx:
        # In place: the recommendations and the figures, without reloading the page.
        review = recommendation.review
        return render(
            request,
            "reviews/_traceability_update.html",
            {
                "review": review,
                "access": access,
                "coverage": review_coverage(review.pk, timezone.localdate()),
                "status_message": message,
                # Focus goes to this recommendation's heading: its Unlink button is gone.
                "focus_recommendation": recommendation.pk,
            },
        )
    messages.success(request, message)
    return redirect(recommendation)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_create(request: HttpRequest, action_pk: int) -> HttpResponse:
    action, access = get_action_in_partnership(request.user, action_pk)
    access.require_manage()
    form = ImpactEvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        evidence = form.save(commit=False)
        evidence.action = action
        evidence.recorded_by = request.user
        evidence.verified_on = timezone.localdate() if evidence.verified else None
        evidence.save()
        messages.success(request, "Impact evidence recorded.")
        return redirect(_back_to_review_or_action(request, action))
    evidence_list = action.impact_evidence.select_related("recorded_by")
    return _form_page(
        request,
        "reviews/evidence_form.html",
        form,
        action=action,
        evidence_list=evidence_list,
        review_pk=request.GET.get("review", ""),
        heading="Record evidence of impact",
    )


def _back_to_review_or_action(request: HttpRequest, action) -> str:
    """Back to the review the manager came from, when it is one of this partnership's."""
    review_pk = request.POST.get("review") or request.GET.get("review")
    if review_pk and str(review_pk).isdigit():
        review = (
            Review.objects.visible_to(request.user)
            .filter(
                pk=int(review_pk), partnership_id=action.objective.priority_area.plan.board.partnership_id
            )
            .first()
        )
        if review is not None:
            return review.get_absolute_url() + "#recommendations"
    return action.get_absolute_url() + "#impact-evidence"


@login_required
@require_POST
def evidence_verify(request: HttpRequest, pk: int) -> HttpResponse:
    evidence, access = get_evidence_for_user(request.user, pk)
    access.require_manage()
    # Race: two managers verifying at once; the conditional update keeps the first date.
    with transaction.atomic():
        evidence = type(evidence).objects.select_for_update().get(pk=evidence.pk)
        if not evidence.verified:
            evidence.verified = True
            evidence.verified_on = timezone.localdate()
            evidence.save(update_fields=["verified", "verified_on"])
    messages.success(request, "Evidence marked as verified.")
    return redirect(_back_to_review_or_action(request, evidence.action))


@login_required
@require_http_methods(["GET", "POST"])
def improvement_plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = get_review_for_user(request.user, pk)
    access.require_manage()
    form = ImprovementPlanForm(request.POST or None, review=review, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = start_improvement_plan(
            review,
            board=data["board"],
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            user=request.user,
        )
        messages.success(request, "Improvement plan created as a draft: edit it as any plan.")
        return redirect(plan)
    return _form_page(
        request,
        "reviews/improvement_plan_form.html",
        form,
        review=review,
        themes=review.focus_themes.all(),
        recommendation_count=review.recommendations.exclude(response=Response.NOT_ACCEPTED).count(),
        heading="Start an improvement plan",
    )


def _improvement_plan_for_user(user, plan_pk: int):
    """An improvement plan (one that answers a review) of a partnership the user belongs to."""
    plan = get_object_or_404(
        BusinessPlan.objects.select_related("board__partnership").filter(
            Exists(ImprovementPlan.objects.filter(plan=OuterRef("pk")))
        ),
        pk=plan_pk,
        board__partnership__in=visible_partnerships(user),
    )
    return plan, partnership_access(user, plan.board.partnership_id)


@login_required
@require_http_methods(["GET", "POST"])
def monitoring(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan, access = _improvement_plan_for_user(request.user, plan_pk)
    if request.method == "POST":
        access.require_manage()
    form = MonitoringBodyForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Monitoring body added.")
        return redirect("reviews:monitoring", plan_pk=plan.pk)
    bodies = plan.monitoring_bodies.select_related("board")
    reviews = Review.objects.filter(improvement_plans__plan=plan)
    return _form_page(
        request,
        "reviews/monitoring.html",
        form,
        plan=plan,
        bodies=bodies,
        reviews=reviews,
        access=access,
        heading="Who monitors this plan",
    )


@login_required
@require_POST
def monitoring_remove(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    plan, access = _improvement_plan_for_user(request.user, plan_pk)
    access.require_manage()
    body = get_object_or_404(MonitoringBody, pk=pk, plan=plan)
    body.delete()
    messages.success(request, "Monitoring body removed.")
    return redirect("reviews:monitoring", plan_pk=plan.pk)


def _review_part(part: str):
    if part not in REVIEW_PARTS:
        raise Http404("No such part of a review.")
    return REVIEW_PARTS[part]


@login_required
@require_http_methods(["GET", "POST"])
def review_part_add(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """Add one team member, theme, strand, finding or judgement at the end of its list."""
    review, access = get_review_for_user(request.user, pk)
    access.require_manage()
    form_class, item_name = _review_part(part)
    form = form_class(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Race: two managers adding at once would take the same position; locking the
            # review row makes the second wait and take the next one.
            Review.objects.select_for_update().filter(pk=review.pk).first()
            model = form._meta.model
            last = (
                model.objects.filter(review=review).order_by("-position").values_list("position", flat=True)
            )
            form.instance.position = (last.first() or 0) + 1
            form.save()
        messages.success(request, f"Added {item_name}.")
        return redirect(review.get_absolute_url() + f"#{part}")
    return _form_page(
        request, "reviews/form_page.html", form, review=review, heading=f"Add {item_name}", back=review
    )


@login_required
@require_POST
def review_part_remove(request: HttpRequest, pk: int, part: str, item_pk: int) -> HttpResponse:
    review, access = get_review_for_user(request.user, pk)
    access.require_manage()
    form_class, item_name = _review_part(part)
    item = get_object_or_404(form_class._meta.model, pk=item_pk, review=review)
    item.delete()
    messages.success(request, f"Removed {item_name}.")
    return redirect(review.get_absolute_url() + f"#{part}")


@login_required
def board_in_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """A board's "Reviews in progress": case reviews and inspections under way, each clock's
    due date, working days left and whether it is breached."""
    board, access = get_board_for_user(request.user, slug)
    today = timezone.localdate()
    return render(
        request,
        "reviews/board_in_progress.html",
        {
            "board": board,
            "access": access,
            "today": today,
            "items": reviews_in_progress(board, today),
            "rules": RULES,
        },
    )


# The things a decision not to implement may be about, by their URL segment.
NOT_IMPLEMENTED_SUBJECTS: dict[str, type[Recommendation] | type[Finding]] = {
    "recommendations": Recommendation,
    "findings": Finding,
}


@login_required
@require_http_methods(["GET", "POST"])
def not_implemented_record(request: HttpRequest, pk: int, subject: str, item_pk: int) -> HttpResponse:
    """Record a decision not to implement one recommendation or finding, with its reason."""
    review, access = get_review_for_user(request.user, pk)
    access.require_manage()
    model = NOT_IMPLEMENTED_SUBJECTS.get(subject)
    if model is None:
        raise Http404("No such part of a review.")
    item = cast("Recommendation | Finding", get_object_or_404(model, pk=item_pk, review=review))
    # The decision's field for it is named for the model ("recommendation" or "finding"); the
    # stubs leave model_name optional for models not yet set up.
    existing = NotImplementedDecision.objects.filter(**{cast(str, model._meta.model_name): item}).first()
    if existing is not None:
        messages.info(request, "A decision not to implement it is already recorded.")
        return redirect(item)
    form = NotImplementedForm(request.POST or None, review=review, subject=item)
    if request.method == "POST" and form.is_valid():

        def save():
            # Race: two managers recording at once; the one-to-one constraint lets one win,
            # and _save_or_report tells the other.
            form.instance.recorded_by = request.user
            return form.save()

        if _save_or_report(form, save):
            messages.success(request, "The decision not to implement it, and why, is recorded.")
            return redirect(item)
    label = f"recommendation {item.number}" if isinstance(item, Recommendation) else "this finding"
    return _form_page(
        request,
        "reviews/form_page.html",
        form,
        review=review,
        heading=f"Record a decision not to implement {label}",
        back=review,
        quoted=item,
    )


@login_required
@require_POST
def not_implemented_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a decision recorded in error (history keeps it)."""
    decision = get_object_or_404(
        NotImplementedDecision.objects.select_related("review", "recommendation", "finding"),
        pk=pk,
        review__in=Review.objects.visible_to(request.user),
    )
    _, access = get_review_for_user(request.user, decision.review_id)
    access.require_manage()
    subject = decision.subject
    decision.delete()
    messages.success(request, "The decision not to implement it was withdrawn.")
    return redirect(subject)
