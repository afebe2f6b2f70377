"""Billing: its interface is this package (re-exports) and shop.billing.api."""

from shop.billing.api import Invoice as Invoice
from shop.billing.api import invoice_for as invoice_for
