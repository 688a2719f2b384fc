"""What runs beside LibreOffice: `helper.py` (a script for LibreOffice's own Python) and
`fontmap.py` (standard library only, shared with our side). Alone in this folder so that
no module of ours can shadow a standard one on the helper's path."""
