"""Self-governance use cases: projects and their steps, meetings, votes and ballots."""
