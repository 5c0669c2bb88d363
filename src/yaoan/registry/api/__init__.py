"""The registry's part of the JSON API: schemas (request and response shapes) and routes."""
