"""The 全岗通 rota as use cases: posts, shifts and certifications (setup), availability and
leave, reading the solver's problem from the database, generating and publishing a draft
(lifecycle, street), swaps and sickness after publishing (changes), and who is on duty now
(duty feeds first-responder assignment; board is the secretaries' view of it)."""
