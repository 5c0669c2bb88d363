"""Reading the entity list page as a test sees it: the names on a page, and its plan."""


def page_names(client, query):
    """The names on one list page, in the page's order."""
    html = client.get(f"/registry/entities/{query}").content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [cell.split("</a>", 1)[0].rsplit(">", 1)[1] for cell in body.split("<a href=")[1:]]


def page_plan(client, query):
    """Which SQL forms the page used for its count and its rows (listing.ListPlan)."""
    response = client.get(f"/registry/entities/{query}")
    assert response.status_code == 200
    return response.context["page_obj"].plan
