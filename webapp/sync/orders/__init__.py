"""Importing JOOR orders. Entry points: `importing.import_run` (run an import) and
`enqueue` (`enqueue_poll_orders`, `enqueue_manual_import`, `enqueue_retry_failed`,
`enqueue_fetch_order`, `cancel_import_run`).

An import reads as a straight line: `importing.plan_for_run` fixes what the run imports;
`window.import_window` pages through JOOR (`reads`), each payload goes through `pages` into
`mapping` (with its field readers in `fields`) and comes out as rows; `store` writes them
once, and `changes` / `change_apply` follow orders JOOR changed since they came in.
"""
