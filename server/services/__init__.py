"""Use cases: one transaction each, plain values in, domain errors out, no HTTP."""
