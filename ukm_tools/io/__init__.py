"""File formats around the domain core: reading participants' sheets, writing Excel/Markdown.

The domain (``ukm_tools/*.py``) never touches files; these modules do the I/O and hand
plain values to it.
"""
