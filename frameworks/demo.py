"""Demo frameworks of cooperation from the seed documents (loaded by ``load_demo``
through the meetings app's receiver; boards does not know about plans' signal).

- Peterborough: the Children's Trust and PSCB governance model of December 2009
  (PSCB scrutiny and advisory, Trust delivery and performance, the PSCB's key
  functions by sub-group, shared functions through the Stay Safe Partnership,
  the annual report to the Trust).
- Sunderland: the framework of cooperation between the HWB, SSCB and SSAB that the
  2015 peer review report put to the HWB: only its three boards, since the seed does
  not include the framework itself (its Appendix 2).

Idempotent: rows are found by natural keys and saved only when a field differs.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from boards.models import Board, Partnership

from .models import (
    Consent,
    Framework,
    FrameworkBoard,
    FrameworkStatus,
    Relationship,
    RelationshipKind,
    Responsibility,
    SharedFunction,
)

# Every model here has one manager, ``objects``, so it is also the default manager.
ModelT = TypeVar("ModelT", bound=models.Model)


class Upserter:
    """Get-or-create by natural key, saving only the fields that differ (so no needless history rows)."""

    def __init__(self) -> None:
        self.written = 0

    def __call__(
        self,
        model: type[ModelT],
        lookup: dict[str, Any],
        values: dict[str, Any] | None = None,
        on_create: dict[str, Any] | None = None,
    ) -> ModelT:
        """``on_create`` fields are set only on a new row (a framework's status, which
        users change afterwards by recording decisions and new versions)."""
        values = values or {}
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values, **(on_create or {}))
            self.written += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.written += 1
        return obj


PSCB_KEY_FUNCTIONS: list[tuple[str, list[str]]] = [
    (
        "Policies and Procedures",
        [
            "Developing and implementing local safeguarding procedures.",
            "Ensuring the Children's Trust appropriately applies policies, procedures and protocols.",
            "Engaging with, receiving, researching and disseminating national guidance, good practice and "
            "initiatives, building its primary relationship with the National Safeguarding Delivery Unit and "
            "Government Office Safeguarding Advisers.",
            "Overseeing and identifying areas of good practice and areas requiring further practice development "
            "or protocols for local delivery, e.g. recommendations from an SCR or inspection.",
            "“Horizon scanning” national good practice and new national guidance, and keeping the Trust informed.",
        ],
    ),
    (
        "Serious Case Review Process",
        [
            "Managing the process of undertaking a serious case review.",
            "Appointing an independent SCR panel chair and independent overview writer.",
            "Quality assuring the documentation and process.",
            "Ensuring Ofsted requirements and national guidance (Working Together) are fulfilled.",
            "Leading the reviews of serious cases which may indicate that operational safeguarding arrangements "
            "within the Children's Trust and across agencies may not be of a satisfactory standard.",
            "Co-ordinating and disseminating the lessons to be learned, and monitoring the effectiveness of the "
            "Board and the Children's Trust in delivering the actions an SCR recommends.",
        ],
    ),
    (
        "Child Death Overview Panel",
        [
            "The statutory CDOP process.",
            "Disseminating the work of the panel to the Children's Trust to inform strategic service development.",
        ],
    ),
    (
        "Safeguarding Training",
        [
            "Ensuring there is an effective safeguarding training strategy compatible with the children's "
            "services Workforce Development Strategy.",
            "Being assured that the Children's Trust workforce in individual and integrated services is "
            "appropriately trained.",
            "Validating training provided.",
            "Reporting to the Trust on the effectiveness of training.",
        ],
    ),
]

TRUST_KEY_FUNCTIONS: list[tuple[str, list[str]]] = [
    (
        "Children and Young People's Plan",
        [
            "Strategically developing and delivering services for all children in Peterborough, promoting the "
            "priorities of the Children and Young People's Plan.",
            "Achieving improvements across the five Every Child Matters outcomes (SHAPE: Staying safe, being "
            "Healthy, Achieving and enjoying, making a Positive contribution, achieving Economic wellbeing) "
            "through partnership groups that reflect the outcomes.",
        ],
    ),
    (
        "Staying Safe Partnership Group",
        [
            "Delivering safeguarding, a consideration in all outcome groups, predominantly through the Staying "
            "Safe Partnership Group.",
            "Owning the strategy to deliver the National Safeguarding Indicator targets.",
        ],
    ),
]

PETERBOROUGH_SHARED = [
    (
        "Quality assurance",
        "A Quality Assurance framework for safeguarding, measuring practice availability, process, capacity "
        "and outcomes across the Trust.",
    ),
    ("Section 11 compliance", "Monitoring partners' discharge of their Section 11 responsibilities."),
    (
        "Communication",
        "A collaborative communication strategy promoting public and professional awareness of local "
        "safeguarding issues, with a protocol setting key leads for particular stories.",
    ),
    (
        "Safeguarding strategy and annual report",
        "Monitoring the overarching safeguarding strategy, and drafting the PSCB's annual report to the Trust.",
    ),
]


def load_framework_demo(boards: dict[str, Board], upsert: Upserter) -> dict[str, Framework]:
    """Load both demo frameworks. ``boards`` maps board slugs to the demo boards."""
    return {
        "peterborough": _peterborough(boards, upsert),
        "sunderland": _sunderland(boards, upsert),
    }


def _bind(upsert, framework, board, position, primary_function, statutory_basis, is_party=True, duties=()):
    fb = upsert(
        FrameworkBoard,
        {"framework": framework, "board": board},
        {
            "primary_function": primary_function,
            "statutory_basis": statutory_basis,
            "is_party": is_party,
            "position": position,
        },
        # The seeds put each framework to its boards; no one is named as agreeing (who and
        # when stay empty: "from the source documents").
        on_create={"consent": Consent.GIVEN},
    )
    position = 0
    for sub_group, texts in duties:
        for text in texts:
            position += 1
            upsert(
                Responsibility,
                {"framework_board": fb, "position": position},
                {"sub_group": sub_group, "text": text},
            )
    return fb


def _relate(upsert, framework, from_board, kind, to_board, note=""):
    upsert(
        Relationship,
        {"framework": framework, "from_board": from_board, "to_board": to_board, "kind": kind},
        {"note": note},
    )


def _peterborough(boards: dict[str, Board], upsert: Upserter) -> Framework:
    pscb, trust = boards["peterborough-pscb"], boards["peterborough-ct"]
    framework = upsert(
        Framework,
        {
            "partnership": Partnership.objects.get(name="Peterborough"),
            "title": "Children's Trust and PSCB governance model",
            "version": 1,
        },
        on_create={"status": FrameworkStatus.PROPOSED},
        values={
            "summary": "Supplementary to the constitutional documents of the Children's Trust and the Safeguarding "
            "Board: clarifies the functions of each, and the functions they share through the Stay Safe "
            "Partnership, so that both are effectively discharged (Laming, March 2009, recommendations 9 and 53).",
        },
    )
    _bind(
        upsert,
        framework,
        pscb,
        1,
        "scrutiny and advisory",
        "Children Act 2004 ss.13–14 (assurance of s.11)",
        duties=PSCB_KEY_FUNCTIONS,
    )
    _bind(
        upsert,
        framework,
        trust,
        2,
        "delivery and performance",
        "Children Act 2004 s.10",
        duties=TRUST_KEY_FUNCTIONS,
    )
    _relate(
        upsert,
        framework,
        pscb,
        RelationshipKind.SCRUTINISES,
        trust,
        "Close scrutiny of the Staying Safe Partnership Group's delivery.",
    )
    _relate(
        upsert, framework, pscb, RelationshipKind.ADVISES, trust, "Horizon scanning and national guidance."
    )
    _relate(
        upsert,
        framework,
        trust,
        RelationshipKind.RECEIVES_ANNUAL_REPORT_FROM,
        pscb,
        "On the effectiveness of the safeguarding strategy and of both organisations.",
    )
    for position, (name, description) in enumerate(PETERBOROUGH_SHARED, start=1):
        shared = upsert(
            SharedFunction,
            {"framework": framework, "name": name},
            {"delivered_by": "Stay Safe Partnership", "description": description, "position": position},
        )
        if set(shared.boards.values_list("pk", flat=True)) != {pscb.pk, trust.pk}:
            shared.boards.set([pscb, trust])
            upsert.written += 1
    return framework


def _sunderland(boards: dict[str, Board], upsert: Upserter) -> Framework:
    """The seed says only that a framework of cooperation between the HWB, SSCB and SSAB was
    developed and put to the HWB for review and adoption (its Appendix 2, which the seed
    does not include). So the demo framework binds those three boards and states nothing
    else: no functions, responsibilities, relationships or adoption decisions."""
    hwb, sscb, ssab = (boards[f"sunderland-{name}"] for name in ("hwb", "sscb", "ssab"))
    framework = upsert(
        Framework,
        {
            "partnership": Partnership.objects.get(name="Sunderland"),
            "title": "Framework of Cooperation: HWB, SSCB and SSAB",
            "version": 1,
        },
        on_create={"status": FrameworkStatus.PROPOSED},
        values={
            "summary": "The peer review of November 2014 recommended that the relationship between the strategic "
            "fora across safeguarding be reviewed and reconfigured, to strengthen governance and oversight. "
            "To progress this, a proposed framework of cooperation between the Health and Wellbeing Board and "
            "the Safeguarding Children and Adults Boards was developed and put to the Health and Wellbeing "
            "Board for review and adoption. The framework itself (Appendix 2 of that report) is not in the "
            "source, so its functions and relationships are not shown here.",
        },
    )
    if framework.status == FrameworkStatus.PROPOSED:
        # Earlier demos invented these; take them out again, unless users have moved the framework on.
        removed = (
            Relationship.objects.filter(framework=framework).delete()[0]
            + Responsibility.objects.filter(framework_board__framework=framework).delete()[0]
            + FrameworkBoard.objects.filter(framework=framework)
            .exclude(board__in=[hwb, sscb, ssab])
            .delete()[0]
        )
        upsert.written += removed
    for position, board in enumerate((hwb, sscb, ssab), start=1):
        _bind(upsert, framework, board, position, "", "")
    return framework
