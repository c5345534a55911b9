"""The governance diagram is drawn from the data by Graphviz and is safe to inline."""

import xml.etree.ElementTree as ET

import pytest

from frameworks.diagram import EDGE_STYLES, governance_dot, governance_svg
from frameworks.models import RelationshipKind
from tests.factories import BoardFactory, PartnershipFactory
from tests.frameworks.factories import RelationshipFactory, SharedFunctionFactory, framework_binding

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    partnership = PartnershipFactory(name="Peterborough")
    pscb = BoardFactory(
        partnership=partnership, short_name="PSCB", name="Peterborough Safeguarding Children Board"
    )
    trust = BoardFactory(partnership=partnership, short_name="CT", name="Peterborough Children's Trust")
    hwb = BoardFactory(partnership=partnership, short_name="HWB", name="Health & Wellbeing <Board>")
    framework = framework_binding(pscb, trust, hwb)
    for kind, (source, target) in zip(
        RelationshipKind.values,
        [(pscb, trust), (pscb, hwb), (trust, hwb), (trust, pscb), (hwb, trust)],
        strict=True,
    ):
        RelationshipFactory(framework=framework, from_board=source, to_board=target, kind=kind)
    for name in ("Quality assurance", "Section 11 compliance", "Communication"):
        SharedFunctionFactory(
            framework=framework, name=name, delivered_by="Stay Safe Partnership"
        ).boards.set([pscb, trust])
    return framework


def _texts(svg: str) -> str:
    root = ET.fromstring(svg)
    return " ".join(" ".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))


def test_svg_contains_every_board_and_every_relationship_label(framework):
    svg = governance_svg(framework)
    texts = _texts(svg)
    for fb in framework.framework_boards.select_related("board"):
        assert fb.board.short_name in texts
    for relationship in framework.relationships.all():
        assert relationship.get_kind_display() in texts
    assert "Health &amp; Wellbeing &lt;Board&gt;" in svg or "Health & Wellbeing" in texts
    assert "Delivered through Stay Safe Partnership" in texts
    for name in ("Quality assurance", "Section 11 compliance", "Communication"):
        assert name in texts


def test_every_relationship_kind_has_its_own_line_style():
    assert set(EDGE_STYLES) == set(RelationshipKind.values)
    assert len({(style.style, style.arrowhead) for style in EDGE_STYLES.values()}) == len(EDGE_STYLES)


def test_dot_source_escapes_quotes(framework):
    board = framework.framework_boards.first().board
    board.name = 'The "Quoted" Board'
    board.save()
    assert '\\"Quoted\\"' in governance_dot(framework)


def test_svg_is_safe_to_inline_under_the_csp_and_accessible(framework):
    svg = governance_svg(framework)
    assert not svg.startswith("<?xml")
    assert "<!DOCTYPE" not in svg
    assert "style=" not in svg
    assert "<script" not in svg
    assert " on" not in svg.replace(" one", "")  # no onload= / onclick= handlers
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("viewBox")
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and framework.title in title.text
    desc = root.find("{http://www.w3.org/2000/svg}desc")
    assert "PSCB scrutinises CT" in desc.text or "scrutinises" in desc.text


def test_framework_pdf_draws_the_diagram_with_every_board_and_label(client, framework):
    import subprocess

    from django.urls import reverse

    from boards.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(user=user, board=framework.framework_boards.first().board, role=Role.MEMBER)
    client.force_login(user)
    response = client.get(reverse("frameworks:pdf", args=[framework.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    # Text drawn inside the SVG reaches the PDF, so the diagram itself was rendered.
    for label in ("PSCB", "CT", "scrutinises", "holds to account", "Delivered through Stay Safe Partnership"):
        assert label in text, label


def test_two_diagrams_can_share_a_page_without_id_clashes(framework):
    import re

    other = framework.create_new_version()
    ids_one = set(re.findall(r'\sid="([^"]+)"', governance_svg(framework)))
    ids_two = set(re.findall(r'\sid="([^"]+)"', governance_svg(other)))
    assert ids_one and ids_two and not ids_one & ids_two
