from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from boards.access import get_board_for_user

from .access import get_indicator_for_user
from .charts import ChartPoint, line_chart_svg
from .forms import ImportConfirmForm, ImportUploadForm, IndicatorValueForm
from .imports import apply_import, parse_values_csv
from .models import Indicator, is_illustrative


def indicator_chart(indicator: Indicator, values) -> str:
    points = [ChartPoint(v.period_label, v.value, v.target) for v in values]
    return line_chart_svg(
        points,
        title=f"{indicator.code} {indicator.title}",
        unit=indicator.unit,
        chart_id=f"indicator-{indicator.pk}",
    )


def _illustrative(values) -> bool:
    return any(is_illustrative(v.note) for v in values)


@login_required
def indicator_list(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    indicators = (
        Indicator.objects.for_board(board)
        .select_related("board", "partnership")
        .prefetch_related("values", "measures__objective")
    )
    rows = [(indicator, list(indicator.values.all())) for indicator in indicators]
    return render(
        request,
        "performance/indicator_list.html",
        {
            "board": board,
            "access": access,
            "rows": [(i, values, values[-1] if values else None) for i, values in rows],
            "illustrative": any(_illustrative(values) for _, values in rows),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator, access = get_indicator_for_user(request.user, pk)
    form = None
    if request.method == "POST":
        access.require_manage()
        form = IndicatorValueForm(request.POST, indicator=indicator)
        if form.is_valid():
            value = form.save()
            messages.success(request, f"Saved {indicator.code} for {value.period_label}.")
            return redirect(indicator)
    elif access.can_manage:
        form = IndicatorValueForm(indicator=indicator)
    values = list(indicator.values.all())
    return render(
        request,
        "performance/indicator_detail.html",
        {
            "indicator": indicator,
            "access": access,
            "values": values,
            "chart": indicator_chart(indicator, values),
            "measures": indicator.measures.select_related("objective__priority_area__plan"),
            "form": form,
            "illustrative": _illustrative(values),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_values(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1 (GET/POST upload): check the file and show every row. Step 2: confirm_import."""
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    preview = None
    confirm_form = None
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["csv_file"]
        preview = parse_values_csv(text, board)
        if preview.is_valid:
            confirm_form = ImportConfirmForm(initial={"csv_text": text})
    status = 400 if request.method == "POST" and (preview is None or not preview.is_valid) else 200
    return render(
        request,
        "performance/import.html",
        {"board": board, "form": form, "preview": preview, "confirm_form": confirm_form},
        status=status,
    )


@login_required
@require_POST
def confirm_import(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    form = ImportConfirmForm(request.POST)
    preview = parse_values_csv(form.data.get("csv_text", ""), board) if form.is_valid() else None
    if preview is None or not preview.is_valid:
        # The data changed between preview and confirm (say an indicator was removed): show why.
        messages.error(
            request, "Nothing was imported: the file no longer passes its checks. Upload it again."
        )
        return redirect("performance:import", slug=board.slug)
    created, changed = apply_import(preview)
    messages.success(request, f"Imported {len(preview.rows)} rows: {created} new values, {changed} changed.")
    return redirect("performance:indicators", slug=board.slug)
