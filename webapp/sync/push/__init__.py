"""Pushing stock to JOOR. Entry points: `service.run_push` (send one push run) and `enqueue`
(`enqueue_push_inventory`, `enqueue_full_push`, `enqueue_push_after_settings`,
`push_after_connect`).

A push plans (`planning`, the pure `webapp.rules.plans`), decides its kind (`kind`, `basis`),
waits for its share of credits (`credits`, `waits`), sends in batches (`sending`) and records
what JOOR accepted (`pushed_stock`) and left out (`outcome`). The panel reads `overwrite_preview`,
`cost_preview` and `upcoming`; `reasons` keeps why each push was asked for.
"""
