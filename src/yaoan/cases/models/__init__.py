"""The models of the cases app: one module per part (other parts add one import line)."""

from yaoan.cases.models.case import Case, Evidence, SeizedItem

__all__ = ["Case", "Evidence", "SeizedItem"]
