"""Rows of the URL × persona table that an app declares beside the others, one module per app:
``tests/url_rows/<app>.py`` defines ``ROWS`` (url name → rule, built with the helpers of
``tests.url_table``), and where its routes take parameters ``PARAMS`` (key → picker of a real
demo object, 划船社区's where it matters) and ``PARAM_FOR``. ``tests/url_table.py`` merges
them; a name declared twice is an error."""
