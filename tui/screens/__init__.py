"""One screen per module: login, triage board, report detail, rota, visits, ops, help."""
