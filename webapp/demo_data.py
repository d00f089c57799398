"""Demo inventory for local runs: items matching the JOOR simulator's catalogue (seed 1)."""

from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import InventoryItem, Store

SIM_SEED = 1  # the seed Procfile.dev gives the simulator, so codes and styles match


def seed_inventory(store: Store, limit: int = 120) -> int:
    """Add the demo items the store does not have yet; return how many were added."""
    from joorsim.catalog import Catalog  # dev tool: only the demo command needs it

    have = set(
        db.session.scalars(select(InventoryItem.code).where(InventoryItem.store_id == store.id))
    )
    rng = random.Random(f"demo:{SIM_SEED}")
    added = 0
    for n, sku in enumerate(Catalog(seed=SIM_SEED).skus[:limit]):
        if sku.upc in have:
            continue
        metadata = {
            "style": sku.style_number,
            "style_id": sku.style_identifier,
            "color_code": sku.color_code,
            "size": sku.size,
        }
        # A few items show the custom settings that keep stock out of pushes.
        if n % 40 == 7:
            metadata["skip_joor"] = "1"
        if n % 40 == 19:
            metadata["skip_push"] = "1"
        db.session.add(
            InventoryItem(
                store_id=store.id,
                code=sku.upc,
                name=f"{sku.name} {sku.color} {sku.size}",
                upc=sku.upc,
                price=Decimal(sku.price),
                stock=rng.randrange(0, 60),
                item_metadata=metadata,
                variation_list={"Color": sku.color, "Size": sku.size},
            )
        )
        added += 1
    db.session.commit()
    return added
