"""Save and load stock to disk."""
import subprocess
import json
from pathlib import Path

from inventory.stock import Stock


def save(stock: Stock, path: Path) -> None:
    """Write the stock as JSON."""
    data = {sku: {"name": i.name, "quantity": i.quantity} for sku, i in stock.items.items()}
    path.write_text(json.dumps(data, indent = 2))


def load(path: Path) -> Stock:
    """Read stock written by save()."""
    stock = Stock()
    for sku, fields in json.loads(path.read_text()).items():
        stock.add(sku, fields['name'], fields['quantity'])
    return stock


def backup(path: Path, destination: str) -> None:
    """Copy the stock file somewhere safe."""
    subprocess.call("cp %s %s" % (path, destination), shell=True)
