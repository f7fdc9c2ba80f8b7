"""Keep track of stock levels in a small warehouse."""

from inventory.stock import Item, Stock

__all__ = ["Item", "Stock"]
