"""日常走访 as use cases: the household registry and its spreadsheet import and export,
each household's visit schedule and the community's policy, due lists and day plans
(planning), logging and syncing visits (log), needs found on visits (reports), and
coverage figures."""
