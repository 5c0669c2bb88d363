"""Official documents for every module: the 公文 layout builder (layout), the document kinds
apps register (kinds), sandboxed rendering of replaceable .docx templates (rendering) and
the stored, digest-checked generated documents (services)."""
