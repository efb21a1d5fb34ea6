"""GraphiQL (``/graphql``) and Swagger UI (``/schema/swagger``) work with no internet.

A real ``okr-es serve --demo`` is opened in headless Chromium whose every request to a host
other than 127.0.0.1 fails, as on a closed network; each test also checks that the page
asked for nothing outside the server. Under CI=true a missing Chromium fails the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from support.demo_server import DemoServer, check_in, check_in_target, demo_server

T = TypeVar("T")
MINE = "from GraphiQL #"
PAGES = ("/graphql", "/schema/swagger", "/schema")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    okr_es = Path(sys.executable).with_name("okr-es")
    with demo_server(okr_es, tmp_path_factory.mktemp("offline") / "var") as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[webdriver.Chrome]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        message = "needs headless Chromium: apt-get install chromium chromium-driver"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)  # allowed outside CI only
    options = Options()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        # A closed network: every host but the server's fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # Given both paths, selenium looks nothing up online (no driver manager).
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.mark.parametrize("page", PAGES)
def test_a_ui_page_loads_scripts_styles_and_fonts_only_from_the_server_itself(
    server: DemoServer, page: str
) -> None:
    html = httpx.get(server.base_url + page, headers={"Accept": "text/html"}, timeout=30)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")

    references = ResourceReferences.of(html.text)

    assert references, "the page loads no script or style at all"
    for reference in references:
        url = urljoin(str(html.url), reference)
        if url.startswith("data:"):
            continue
        assert urlsplit(url).netloc == urlsplit(server.base_url).netloc, reference
        asset = httpx.get(url, timeout=30)
        assert asset.status_code == 200, url
        assert asset.content, url
        if asset.headers["content-type"].startswith("text/css"):
            # Fonts and images of a stylesheet: inlined, or from the server too.
            for inner in css_urls(asset.text):
                assert inner.startswith("data:") or not urlsplit(inner).netloc, (url, inner)


@pytest.mark.browser
def test_graphiql_renders_its_editor_and_runs_a_query_with_the_token_header(
    server: DemoServer, chromium: webdriver.Chrome
) -> None:
    check_in_target(server)  # the server has projected the demo it seeded
    # GraphiQL keeps the headers pane's text in localStorage (shouldPersistHeaders).
    chromium.get(server.base_url + "/graphql")
    chromium.execute_script(
        "localStorage.setItem('graphiql:headers', arguments[0])", json.dumps(server.auth)
    )
    query = "{ organization { name } viewer { name } }"
    chromium.get(f"{server.base_url}/graphql?q={quote(query)}")

    editor = wait_for(lambda: editor_text(chromium, ".graphiql-query-editor"))
    assert editor == query
    run_query(chromium)
    answer = wait_for(lambda: response_json(chromium))

    assert answer == {
        "data": {"organization": {"name": "Fjordby kommune"}, "viewer": {"name": "Ingrid Berg"}}
    }
    assert_nothing_left_the_server(chromium, server)


@pytest.mark.browser
def test_graphiql_subscribes_over_the_websocket_with_the_same_headers(
    server: DemoServer, chromium: webdriver.Chrome
) -> None:
    target = check_in_target(server)
    chromium.get(server.base_url + "/graphql")
    chromium.execute_script(
        "localStorage.setItem('graphiql:headers', arguments[0])", json.dumps(server.auth)
    )
    subscription = f'subscription {{ checkIns(unitId: "{target.unit_id}") {{ comment }} }}'
    chromium.get(f"{server.base_url}/graphql?q={quote(subscription)}")
    wait_for(lambda: editor_text(chromium, ".graphiql-query-editor"))
    run_query(chromium)

    # The subscription starts listening at some moment after the click, so check-ins go in
    # until one of them shows, a bounded number of times (demo check-ins the server was
    # still projecting may show first).
    def own_check_in() -> str | None:
        answer = response_json(chromium) or {}
        comment = ((answer.get("data") or {}).get("checkIns") or {}).get("comment")
        return comment if isinstance(comment, str) and comment.startswith(MINE) else None

    shown: str | None = None
    for attempt in range(20):
        check_in(server, target, f"{MINE}{attempt}")
        shown = wait_for(own_check_in, timeout=3, required=False)
        if shown is not None:
            break

    assert shown is not None, f"GraphiQL showed none of ours, last: {response_json(chromium)}"
    assert_nothing_left_the_server(chromium, server)


@pytest.mark.browser
def test_swagger_ui_lists_every_operation_of_the_openapi_document(
    server: DemoServer, chromium: webdriver.Chrome
) -> None:
    schema = httpx.get(server.base_url + "/schema/openapi.json", timeout=30).json()
    documented = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }

    chromium.get(server.base_url + "/schema/swagger")
    # Swagger UI renders the operations once it has read the document.
    wait_for(lambda: swagger_operations(chromium) == documented or None, required=False)

    assert swagger_operations(chromium) == documented
    assert_nothing_left_the_server(chromium, server)


class ResourceReferences(HTMLParser):
    """What a page makes the browser fetch: script src, stylesheet and icon href, and any
    url(…) in inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.found.append(str(values["src"]))
        if tag == "link" and values.get("href"):
            self.found.append(str(values["href"]))
        if tag in ("img", "iframe") and values.get("src"):
            self.found.append(str(values["src"]))
        if values.get("style"):
            self.found.extend(css_urls(str(values["style"])))

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style":
            self.found.extend(css_urls(data))


def css_urls(css: str) -> list[str]:
    """The targets of a stylesheet's url(…) and @import."""
    found = [part.split(")", 1)[0].strip("'\" ") for part in css.split("url(")[1:]]
    found += [part.split(";", 1)[0].strip("'\" ") for part in css.split("@import")[1:]]
    return found


def wait_for(
    probe: Callable[[], T | None], timeout: float = 60, *, required: bool = True
) -> T | None:
    """``probe()``'s first value that is not None, polled until ``timeout`` seconds pass."""
    try:
        return WebDriverWait(probe, timeout, poll_frequency=0.1).until(
            lambda _: probe(), message=f"nothing within {timeout}s"
        )
    except TimeoutException:
        if required:
            raise
        return None


def editor_text(chromium: webdriver.Chrome, pane: str) -> str | None:
    text: str | None = chromium.execute_script(
        "const editor = document.querySelector(arguments[0] + ' .CodeMirror');"
        "return editor ? editor.CodeMirror.getValue() : null;",
        pane,
    )
    return text or None


def run_query(chromium: webdriver.Chrome) -> None:
    chromium.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()


def response_json(chromium: webdriver.Chrome) -> dict[str, Any] | None:
    """What GraphiQL's response pane shows (for a subscription: its latest event)."""
    text = editor_text(chromium, ".graphiql-response")
    if text is None:
        return None
    try:
        answer: dict[str, Any] = json.loads(text)
    except ValueError:
        return None  # a placeholder, not an answer yet
    return answer


def swagger_operations(chromium: webdriver.Chrome) -> set[tuple[str, str]]:
    rows: list[list[str]] = chromium.execute_script(
        "return Array.from(document.querySelectorAll('.opblock')).map(block => ["
        "  block.querySelector('.opblock-summary-method').textContent,"
        "  block.querySelector('.opblock-summary-path').getAttribute('data-path')]);"
    )
    return {(method.upper(), path) for method, path in rows}


def assert_nothing_left_the_server(chromium: webdriver.Chrome, server: DemoServer) -> None:
    """Every request the browser made since the last check went to the server, and none
    failed."""
    own = urlsplit(server.base_url).netloc
    outside: list[str] = []
    failed: list[str] = []
    for entry in chromium.get_log("performance"):
        event = json.loads(entry["message"])["message"]
        params = event.get("params", {})
        if event["method"] == "Network.requestWillBeSent":
            url = params["request"]["url"]
        elif event["method"] == "Network.webSocketCreated":
            url = params["url"]
        else:
            if event["method"] == "Network.loadingFailed" and not params.get("canceled"):
                failed.append(params.get("errorText", "?"))
            continue
        if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != own:
            outside.append(url)
    assert outside == []
    assert failed == []
