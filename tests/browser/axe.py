"""Accessibility checks with axe-core (npm ``axe-core``, pinned in package.json).

``assert_no_axe_violations(page)`` runs axe on the page as it is now, against
the WCAG 2.0, 2.1 and 2.2 A and AA rules, and fails with a readable list of
what is wrong and where.

Injection: ``page.add_script_tag(path=...)`` adds an inline <script>, which
our Content-Security-Policy (script-src 'self') refuses. Rather than switch the
policy off for the whole page (``bypass_csp=True`` would also hide any CSP
breakage of our own scripts and styles), the helper then evaluates the same
file through the DevTools protocol, which a page's CSP does not govern. The
page under test keeps its real policy.
"""

from __future__ import annotations

from pathlib import Path

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_RUN = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary, html: n.html})),
  }));
}
"""


def inject_axe(page) -> None:
    if page.evaluate("typeof window.axe") == "object":
        return
    if not AXE_PATH.exists():
        raise AssertionError(f"{AXE_PATH} is missing: run `make install` (npm ci) first.")
    try:
        page.add_script_tag(path=str(AXE_PATH))
    except Exception as error:  # Playwright raises its own Error type when the CSP refuses it
        if "Content Security Policy" not in str(error):
            raise
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))


def axe_violations(page, tags: list[str] | None = None) -> list[dict]:
    inject_axe(page)
    return page.evaluate(_RUN, tags or WCAG_TAGS)


def format_violations(violations: list[dict], url: str) -> str:
    lines = [f"axe-core found {len(violations)} accessibility problem(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            for detail in (node["summary"] or "").splitlines()[1:3]:
                lines.append(f"      {detail.strip()}")
    return "\n".join(lines)


def assert_no_axe_violations(page, tags: list[str] | None = None) -> None:
    violations = axe_violations(page, tags)
    assert not violations, format_violations(violations, page.url)
