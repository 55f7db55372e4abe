"""The API's routers, one per area; each is a thin layer over screen/, store/ and ingest."""
