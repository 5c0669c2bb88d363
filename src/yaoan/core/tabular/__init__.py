"""Tabular import and export, one layer for every module.

A module declares an ``ImportSpec`` (spec.py: columns from columns.py and a row handler
that calls its service) and gets the upload page, the template download, the job with
its progress, both modes and the error report (views.py, runner.py, workbook.py). An
export is a list of ``ExportColumn`` and an iterable of rows (export.py).
"""
