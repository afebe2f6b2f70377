from shop.domain.orders import total_for


def checkout(sku: str) -> str:
    from shop.api.orders import render  # deferred, but still upward: api is above services

    return render(total_for(sku))
