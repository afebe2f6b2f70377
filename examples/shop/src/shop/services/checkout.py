from typing import TYPE_CHECKING

from shop.adapters.database import save
from shop.domain.catalog import price_of
from shop.domain.orders import Order

if TYPE_CHECKING:
    from shop.adapters.payments import Gateway


def place_order(sku: str, quantity: int, gateway: "Gateway | None" = None) -> Order:
    order = Order(id=f"{sku}-{quantity}", total=price_of(sku) * quantity)
    save(order.id, order.total)
    return order
