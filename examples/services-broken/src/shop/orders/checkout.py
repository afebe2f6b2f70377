import os

import yaml
from sqlalchemy import text

from shop.adapters.db import engine
from shop.auth import verify
from shop.billing import invoice_for
from shop.billing.models import Invoice
from shop.events import OrderPlaced
from shop.inventory import reserve
from shop.legacy import old_discount


def checkout(token: str, sku: str, amount: int) -> Invoice | None:
    verify(token, os.environ["SHOP_SECRET_KEY"])
    print(yaml.safe_dump({"sku": sku}))
    with engine.connect() as connection:
        connection.execute(text("insert into orders (sku) values (:sku)"), {"sku": sku})
    event = OrderPlaced(1, sku, amount - old_discount(amount))
    return invoice_for(event.order_id, amount) if reserve(event) else None


def status(order_id: int) -> str:
    return f"order {order_id}: placed"
