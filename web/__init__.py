"""Templates and static assets of the web front end (installed as captionsearch.web)."""
