from shop.services.checkout import place_order


def post_order(payload: dict[str, int]) -> dict[str, str]:
    order = place_order(sku=str(payload["sku"]), quantity=payload["quantity"])
    return {"id": order.id, "status": "created"}
