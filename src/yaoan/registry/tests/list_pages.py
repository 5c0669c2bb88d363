"""Reading the entity list page as a test sees it: the names on a page, and its SQL."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_names(client, query):
    """The names on one list page, in the page's order."""
    html = client.get(f"/registry/entities/{query}").content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [cell.split("</a>", 1)[0].rsplit(">", 1)[1] for cell in body.split("<a href=")[1:]]


def entity_queries(client, query):
    """The page's queries that read the entities (the count, then the rows)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/registry/entities/{query}")
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "registry_entity" in q["sql"]]


def rows_query(client, query):
    """The query that read the page's rows."""
    [rows] = [sql for sql in entity_queries(client, query) if '"registry_entity"."uscc" AS' in sql]
    return rows
