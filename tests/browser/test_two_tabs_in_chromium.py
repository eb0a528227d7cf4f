"""Two tabs in Chromium posting at once: the browser's own cookie jar keeps both answers.

Both posts are sent with the cookies the browser held before either answer was saved (the
route sends them with that snapshot), as happens when two tabs post at the same moment. Each
response sets only the cookie of its own step, and Chromium keeps both.
"""

from __future__ import annotations


def test_two_tabs_posting_at_once_keep_both_answers(open_page, wizard_on, discuss_answers):
    first = open_page()
    wizard_on(first).walk(discuss_answers, until="/summary")
    context = first.context
    second = context.new_page()
    first.goto("/step/health?change=1")
    second.goto("/step/cost_access?part=2&change=1")  # travel: the step's third page
    stale = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())

    def with_stale_cookies(route):
        if route.request.method != "POST":
            return route.continue_()
        # Chromium adds cookies after a route, so send the post ourselves with the snapshot,
        # and hand its response (and its Set-Cookie headers) to the browser.
        response = route.fetch(headers={**route.request.headers, "cookie": stale}, max_redirects=0)
        return route.fulfill(response=response)

    context.route("**/step/**", with_stale_cookies)
    first.uncheck("input[name='health_conditions'][value='none']")
    first.check("input[name='health_conditions'][value='pregnant']")
    second.check("input[name='travel'][value='no']")
    with first.expect_navigation():
        first.get_by_role("button", name="Continue").click()
    with second.expect_navigation():
        second.get_by_role("button", name="Continue").click()
    context.unroute("**/step/**")

    first.goto("/summary")
    assert first.get_attribute("[data-outcome]", "data-outcome") == "usually_excluded", (
        "the pregnancy answer from the first tab was lost"
    )
    first.goto("/step/cost_access?part=2&change=1")
    assert wizard_on(first).location() == "/step/cost_access?part=2&change=1"
    assert first.is_checked("input[name='travel'][value='no']")
    names = {c["name"] for c in context.cookies()}
    assert {"session", "session-health", "session-cost_access"} <= names
