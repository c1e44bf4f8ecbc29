"""Open311 GeoReport v2 as plain Python: the wire formats, the inbound rules and how our
reports look to the outside. No I/O here; the API and services call these."""
