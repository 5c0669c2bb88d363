"""Bounds of the numbers a URL or an API call brings: page numbers and row ids."""

# Past the end of any list here (fifty million rows at fifty a page); a larger number
# would only overflow the database's OFFSET and end in a server error.
MAX_PAGE = 1_000_000

# Ids typed into a URL or a JSON body: the databases store at most a signed 64-bit integer,
# and a larger number fails in the driver before any query runs.
MAX_ID = 2**63 - 1
