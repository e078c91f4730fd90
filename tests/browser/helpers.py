from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

_axe = Axe()


def log_in(page, user, password: str = PASSWORD) -> None:
    page.goto(f"{page.base_url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{page.base_url}/")


def serious_accessibility_problems(page) -> list[str]:
    """WCAG 2.1 A/AA problems axe-core rates serious or critical."""
    results = _axe.run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: {violation['nodes'][0]['target']})"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
