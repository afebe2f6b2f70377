from shop.billing.models import Invoice
from shop.events import PaymentCaptured


def invoice_for(order_id: int, amount: int) -> Invoice:
    return Invoice(order_id, amount)


def captured(invoice: Invoice) -> PaymentCaptured:
    from shop.orders.checkout import status

    print(status(invoice.order_id))
    return PaymentCaptured(invoice.order_id, invoice.amount)
