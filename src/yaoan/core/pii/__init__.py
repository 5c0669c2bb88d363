"""Personal data (S10–S12): a model field encrypted at rest with SM4-GCM under a key ring
kept outside the database, an HMAC-SM3 blind index for exact search, masking by default
and an audited reveal.

``keyring`` (the keys), ``crypto`` (seal, unseal, blind index), ``fields`` (the model
fields), ``forms`` (the form field that never prefills), ``services`` (reveal, rotation),
``views`` (the reveal page). Nothing is imported here: ``core.models`` imports ``fields``,
and ``services`` imports ``core.models``.
"""
