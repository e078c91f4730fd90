import pytest


@pytest.fixture
def phone(browser, live_server):
    """A phone's browser (390 px, touch), at the live server."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="et-EE", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()
