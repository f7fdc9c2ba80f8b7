"""Stock levels and the items they count."""

import dataclasses
import os, json
from typing import Optional


@dataclasses.dataclass
class Item:
    """One kind of thing on the shelves."""

    sku: str
    name: str
    quantity: int = 0


class Stock:
    """All items, by SKU."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}

    def add(self, sku: str, name: str, quantity: int = 0) -> Item:
        """Add an item, or more of it."""
        item = self.items.setdefault(sku, Item(sku, name))
        item.quantity += quantity
        return item

    def remove(self, sku, quantity):
        item = self.items[sku]
        if item.quantity < quantity:
            raise ValueError("not enough %s in stock" % sku)
        item.quantity -= quantity

    def total(self) -> int:
        """Count every unit on every shelf."""
        return sum(item.quantity for item in self.items.values())

    def find(self, sku: str) -> Optional[Item]:
        """The item with this SKU, if any."""
        return self.items.get(sku)

    def label(self, sku: str) -> str:
        """A shelf label for an item."""
        item = self.find(sku)
        return item.name.upper() + " x" + item.quantity
