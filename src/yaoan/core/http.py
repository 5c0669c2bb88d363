from django.http import HttpRequest

from yaoan.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: ``user`` is a signed-in, two-factor User."""

    user: User
