from shop.auth import verify
from shop.billing import Invoice, invoice_for
from shop.events import OrderPlaced
from shop.inventory import reserve


def checkout(token: str, key: str, sku: str, amount: int) -> Invoice | None:
    verify(token, key)
    event = OrderPlaced(1, sku, amount)
    return invoice_for(event.order_id, amount) if reserve(event) else None
