"""The resolver web app through FastAPI's TestClient."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erdq.errors import StoreError
from erdq.resolver.admin import set_collection
from erdq.store import open_store
from erdq.web import create_app

KBART_HEADER = (
    "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\t"
    "num_first_vol_online\tnum_first_issue_online\tdate_last_issue_online\t"
    "num_last_vol_online\tnum_last_issue_online\ttitle_url\tfirst_author\ttitle_id\t"
    "embargo_info\tcoverage_depth\tcoverage_notes\tpublisher_name\tpublication_type\n"
)


def _row(title: str, issn: str, start: str, url: str, title_id: str) -> str:
    return f"{title}\t{issn}\t\t{start}\t\t\t\t\t\t{url}\t\t{title_id}\t\tfulltext\t\t\tserial\n"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    kbart = tmp_path / "k.txt"
    kbart.write_text(
        KBART_HEADER
        + _row(
            "<script>alert(1)</script> Journal",
            "1234-5679",
            "2000",
            "https://a.example/j?x=1&y=2",
            "t1",
        )
        + _row("Bad Link Journal", "1662-680X", "2000", "javascript:alert(1)", "t2"),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    with open_store(url) as store:
        store.import_kbart(kbart, collection="A & B <Press>")
    app = create_app(url, today=dt.date(2024, 6, 15), max_query=2000)
    with TestClient(app) as test_client:
        yield test_client


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["holdings"] == 2


def test_menu_escapes_record_data(client: TestClient) -> None:
    response = client.get("/openurl?issn=1234-5679&date=2010&atitle=%3Cb%3Eх%3C/b%3E")
    assert response.status_code == 200
    html = response.text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html or "A &amp; B &lt;Press&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'href="https://a.example/j?x=1&amp;y=2"' in html
    # The service names the title the ISSN matched (the request named none), escaped.
    assert 'rel="noopener noreferrer">&lt;script&gt;alert(1)&lt;/script&gt; Journal: ' in html
    assert '<meta name="viewport"' in html and 'lang="en"' in html
    assert "Report a problem" in html
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_json_twin(client: TestClient) -> None:
    by_param = client.get("/openurl?issn=1234-5679&date=2010&format=json").json()
    by_accept = client.get(
        "/openurl?issn=1234-5679&date=2010", headers={"Accept": "application/json"}
    ).json()
    assert by_param == by_accept
    assert by_param["outcome"] == "service"
    assert by_param["services"][0]["url"] == "https://a.example/j?x=1&y=2"
    assert by_param["warnings"] == []  # format= is the service's, not an unknown OpenURL key


def test_redirect_only_to_resolver_built_urls(client: TestClient) -> None:
    response = client.get("/openurl?issn=1234-5679&date=2010&redirect=1", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "https://a.example/j?x=1&y=2"
    # A URL in the request is never a redirect target; a javascript: title_url is no link.
    evil = client.get(
        "/openurl?issn=1662-680X&redirect=1&url=https://evil.example/&rft_id=https://evil.example",
        follow_redirects=False,
    )
    assert evil.status_code == 200
    assert "evil.example" not in evil.headers.get("location", "")
    assert "javascript:" not in evil.text
    # The reason says the URL was refused, not that there was none.
    data = client.get("/openurl?issn=1662-680X&date=2010&format=json").json()
    (reason,) = data["no_service_reasons"]
    assert "URL is not a web link" in reason["message"] and "has no URL" not in reason["message"]


def test_no_redirect_when_the_cited_date_cannot_be_read(client: TestClient) -> None:
    # The one service was not checked against the date: the reader sees the menu and
    # the warning rather than being sent on.
    response = client.get("/openurl?issn=1234-5679&date=n.d.&redirect=1", follow_redirects=False)
    assert response.status_code == 200
    assert "cannot be read" in response.text


def test_no_redirect_without_exactly_one_service(client: TestClient) -> None:
    response = client.get("/openurl?issn=1234-5679&date=1990&redirect=1", follow_redirects=False)
    assert response.status_code == 200
    assert "No full text found" in response.text


def test_query_over_the_limit_is_refused(client: TestClient) -> None:
    response = client.get("/openurl?issn=1234-5679&x=" + "a" * 3000)
    assert response.status_code == 414


def test_problem_report_is_recorded(client: TestClient, tmp_path: Path) -> None:
    form = client.get("/problem?openurl=issn%3D1234-5679%26%22%3E")
    assert form.status_code == 200 and "&quot;&gt;" in form.text
    posted = client.post(
        "/problem",
        content="openurl=issn%3D1234-5679&message=dead+link",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    assert posted.status_code == 200 and posted.json()["recorded"] is True
    store = client.app.state.store
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT openurl, message FROM problem_reports").all()
    assert rows == [("issn=1234-5679", "dead link")]
    # The librarian reads them back with erdq report problems.
    from click.testing import CliRunner

    from erdq.cli import main

    url = store.url
    shown = CliRunner().invoke(main, ["report", "problems", "--db", url, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    [report] = json.loads(shown.output)
    assert (report["identifier"], report["message"], report["openurl"]) == (
        "1234-5679", "dead link", "issn=1234-5679"
    )  # fmt: skip
    text = CliRunner().invoke(main, ["report", "problems", "--db", url]).output
    assert "1234-5679" in text and "    dead link\n" in text


def test_requests_are_logged(client: TestClient) -> None:
    client.get("/openurl?issn=1234-5679&date=2010&atitle=Logged")
    client.app.state.request_log.flush()
    store = client.app.state.store
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT article, outcome FROM resolver_requests").all()
    assert ("Logged", "service") in rows


def test_settings_change_needs_reload(tmp_path: Path) -> None:
    # set_collection validates before writing; a store without the collection refuses.
    with open_store(f"sqlite:///{tmp_path / 'e.sqlite'}") as store, pytest.raises(StoreError):
        set_collection(store.engine, "missing", active=False)


def _logged(client: TestClient) -> list[str]:
    client.app.state.request_log.flush()
    with client.app.state.store.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT query FROM resolver_requests").all()]


def test_head_is_answered_and_not_logged(client: TestClient) -> None:
    response = client.head("/openurl?issn=1234-5679&date=2010")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    redirect = client.head("/openurl?issn=1234-5679&date=2010&redirect=1", follow_redirects=False)
    assert redirect.status_code == 302
    assert _logged(client) == []


def test_post_takes_a_form_encoded_openurl(client: TestClient) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = "url_ver=Z39.88-2004&rft.issn=1234-5679&rft.date=2010"
    posted = client.post("/openurl?format=json", content=body, headers=form)
    assert posted.status_code == 200
    got = client.get(f"/openurl?{body}&format=json").json()
    assert posted.json() == got and got["outcome"] == "service"
    redirect = client.post(
        "/openurl", content=body + "&redirect=1", headers=form, follow_redirects=False
    )
    assert redirect.status_code == 302
    assert redirect.headers["location"] == "https://a.example/j?x=1&y=2"
    assert body in _logged(client)
    wrong = client.post("/openurl", content="{}", headers={"Content-Type": "application/json"})
    assert wrong.status_code == 415 and "x-www-form-urlencoded" in wrong.text
    too_long = client.post("/openurl", content="issn=1234-5679&x=" + "a" * 3000, headers=form)
    assert too_long.status_code == 413


def test_errors_are_json_when_json_is_asked_for(client: TestClient) -> None:
    long = "/openurl?issn=1234-5679&x=" + "a" * 3000
    by_accept = client.get(long, headers={"Accept": "application/json"})
    assert by_accept.status_code == 414
    assert by_accept.json() == {
        "error": "The request is longer than 2000 characters.",
        "status": 414,
    }
    by_param = client.get(long + "&format=json")
    assert by_param.status_code == 414 and by_param.json()["status"] == 414
    assert client.get(long).headers["content-type"].startswith("text/html")


def test_no_service_page_gives_each_reason_once(client: TestClient) -> None:
    data = client.get("/openurl?issn=1234-5679&date=1990&format=json").json()
    (failure,) = data["no_service_reasons"]
    assert data["message"] == failure["message"]  # the request's reason is that title's
    page = client.get("/openurl?issn=1234-5679&date=1990").text
    assert page.count(escape(failure["message"])) == 1


def test_title_only_match_is_never_a_redirect(client: TestClient) -> None:
    query = "genre=article&title=%3Cscript%3Ealert(1)%3C/script%3E+Journal&date=2010"
    data = client.get(f"/openurl?{query}&format=json").json()
    assert [s["match_strength"] for s in data["services"]] == ["title"]
    response = client.get(f"/openurl?{query}&redirect=1", follow_redirects=False)
    assert response.status_code == 200 and "Full text (1)" in response.text


def test_thank_you_page_links_back_to_the_menu(client: TestClient) -> None:
    posted = client.post(
        "/problem",
        content="openurl=issn%3D1234-5679%26date%3D2010&message=dead",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert posted.status_code == 200 and "Thank you" in posted.text
    assert 'href="openurl?issn=1234-5679&amp;date=2010"' in posted.text
    form = client.get("/problem?openurl=issn%3D1234-5679")
    assert 'href="openurl?issn=1234-5679"' in form.text


def test_a_trailing_slash_is_sent_on_relatively_never_to_the_requests_host(
    client: TestClient,
) -> None:
    response = client.get(
        "/openurl/?issn=1234-5679&date=2010",
        headers={"Host": "evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 307
    # A relative reference (RFC 3986 5.2): from /openurl/ it resolves to /openurl on the
    # host the browser asked, whatever the Host header says.
    assert response.headers["location"] == "../openurl?issn=1234-5679&date=2010"
    assert "evil.example" not in response.headers["location"]
    assert client.get("/healthz/", follow_redirects=False).status_code == 404


@pytest.mark.parametrize(
    ("accept", "json_wanted"),
    [
        ("application/json", True),
        ("APPLICATION/JSON", True),  # media types are case-insensitive (RFC 9110 8.3.1)
        ("text/html;q=0.1, application/json", True),  # q-values rank them (12.5.1)
        ("application/json;q=0.5, text/html", False),
        ("application/json, text/html", False),  # a tie: the menu
        ("*/*", False),
        ("", False),
    ],
)
def test_accept_header_is_read_with_q_values(
    client: TestClient, accept: str, json_wanted: bool
) -> None:
    response = client.get("/openurl?issn=1234-5679&date=2010", headers={"Accept": accept})
    assert response.headers["content-type"].startswith(
        "application/json" if json_wanted else "text/html"
    )


def test_format_parameter_wins_and_unknown_values_are_refused(client: TestClient) -> None:
    url = "/openurl?issn=1234-5679&date=2010"
    json_accept = {"Accept": "application/json"}
    assert (
        client.get(url + "&format=html", headers=json_accept)
        .headers["content-type"]
        .startswith("text/html")
    )
    refused = client.get(url + "&format=xml")
    assert refused.status_code == 400 and "json or html" in refused.text


def test_healthz_answers_head_and_counts_active_holdings(tmp_path: Path) -> None:
    kbart = tmp_path / "k.txt"
    kbart.write_text(
        KBART_HEADER + _row("Journal A", "1234-5679", "2000", "https://a.example/a", "t1"),
        encoding="utf-8",
    )
    other = tmp_path / "o.txt"
    other.write_text(
        KBART_HEADER
        + _row("Journal B", "1662-680X", "2000", "https://b.example/b", "t2")
        + _row("Journal C", "0028-0836", "2000", "https://b.example/c", "t3"),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    with open_store(url) as store:
        store.import_kbart(kbart, collection="Active")
        store.import_kbart(other, collection="Cancelled")
        set_collection(store.engine, "Cancelled", active=False)
    with TestClient(create_app(url, today=dt.date(2024, 6, 15))) as client:
        assert client.head("/healthz").status_code == 200
        data = client.get("/healthz").json()
    assert (data["holdings"], data["collections"]) == (3, 2)
    assert (data["active_holdings"], data["active_collections"]) == (1, 1)


def test_a_problem_report_without_a_request_is_kept_when_it_says_something(
    client: TestClient,
) -> None:
    sent = client.post(
        "/problem",
        data={"openurl": "", "message": "The menu was empty"},
        headers={"Accept": "application/json"},
    )
    assert sent.status_code == 200 and sent.json()["recorded"] is True
    empty = client.post("/problem", data={"openurl": "", "message": "  "})
    assert empty.status_code == 400
