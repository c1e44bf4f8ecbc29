"""The rota model and solver: pure OR-Tools code, no web framework or database."""
