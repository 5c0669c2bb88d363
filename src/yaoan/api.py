"""The JSON API: one NinjaAPI, each app's router mounted under its name; OpenAPI at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="药安 yaoan API", version="1", urls_namespace="api", docs_url="/docs")

urlpatterns = [
    *api.urls[0],
]
