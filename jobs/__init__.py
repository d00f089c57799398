"""RQ entry points: thin jobs that take ids and call webapp.sync; the worker and the clock."""
