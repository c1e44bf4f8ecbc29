"""The demo street, built in parts: places and people, the rota, households with their
visit histories, and residents' reports at every stage. ``server.seed`` runs them in one
transaction on an empty database; every date is counted from the moment it runs."""
