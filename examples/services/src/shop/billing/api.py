from shop.billing.models import Invoice
from shop.events import PaymentCaptured


def invoice_for(order_id: int, amount: int) -> Invoice:
    return Invoice(order_id, amount)


def captured(invoice: Invoice) -> PaymentCaptured:
    return PaymentCaptured(invoice.order_id, invoice.amount)
