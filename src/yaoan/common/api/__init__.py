"""What every app's part of the JSON API shares: paging (``paging``), the error shapes and
``RowId`` (``schemas``), and list filters documented as query parameters (``filters``).
The coded errors themselves are yaoan.common.errors; how each kind maps to an HTTP status
is yaoan.api."""
