"""Plain-Python rules of the product: no I/O, no web framework, no ORM."""
