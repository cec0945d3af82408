"""Odoo model names per major version, for ODO002 and ODO005."""

# Source: /work/shared/domain-primer.md, section 3 "Odoo models for manufacturing flows" and its
# "Version deltas" (checked there against OCA/OpenUpgrade upgrade_analysis files for stock, mrp,
# product, uom, sale and purchase). Only the models the primer lists are here: a model missing
# from this table is unknown, not absent, and is never flagged.

from __future__ import annotations

from dataclasses import dataclass

# Major versions the primer's deltas cover; other versions use the same lifetimes.
COVERED_VERSIONS = (16, 17, 18, 19)


@dataclass(frozen=True, slots=True)
class ModelLife:
    """The majors in which a model exists (None = no known bound) and what replaces it."""

    first: int | None = None
    last: int | None = None
    replaced_by: str | None = None  # what to use after ``last``, as hint text
    replaces: str | None = None  # what to use before ``first``, as hint text
    enterprise: bool = False

    def exists_in(self, major: int) -> bool:
        """True when the model exists in this major version."""
        return (self.first is None or major >= self.first) and (
            self.last is None or major <= self.last
        )


_ALL = ModelLife()

MODELS: dict[str, ModelLife] = {
    # Item, BOM, manufacturing and work orders.
    "product.template": _ALL,
    "product.product": _ALL,
    "product.supplierinfo": _ALL,
    "mrp.bom": _ALL,
    "mrp.bom.line": _ALL,
    "mrp.routing.workcenter": _ALL,
    "mrp.production": _ALL,
    "mrp.workorder": _ALL,
    # 16: stock.production.lot -> stock.lot, stock.location.route -> stock.route.
    "stock.production.lot": ModelLife(last=15, replaced_by="'stock.lot'"),
    "stock.lot": ModelLife(first=16, replaces="'stock.production.lot'"),
    "stock.location.route": ModelLife(last=15, replaced_by="'stock.route'"),
    "stock.route": ModelLife(first=16, replaces="'stock.location.route'"),
    # Inventory.
    "stock.quant": _ALL,
    "stock.location": _ALL,
    "stock.warehouse": _ALL,
    "stock.picking": _ALL,
    "stock.move": _ALL,
    "stock.move.line": _ALL,
    # 18: mrp.document -> product.document (product.document's own start is not in the primer).
    "mrp.document": ModelLife(last=17, replaced_by="'product.document'"),
    # 19: packaging, packages and procurement groups renamed; UoM categories removed.
    "product.packaging": ModelLife(last=18, replaced_by="'product.uom'"),
    "product.uom": ModelLife(first=19, replaces="'product.packaging'"),
    "stock.quant.package": ModelLife(last=18, replaced_by="'stock.package'"),
    "stock.package": ModelLife(first=19, replaces="'stock.quant.package'"),
    "procurement.group": ModelLife(
        last=18, replaced_by="'stock.reference' (stock) or 'mrp.production.group' (mrp)"
    ),
    "stock.reference": ModelLife(first=19, replaces="'procurement.group'"),
    "mrp.production.group": ModelLife(first=19, replaces="'procurement.group'"),
    "uom.uom": _ALL,
    "uom.category": ModelLife(
        last=18, replaced_by="'uom.uom' with relative_uom_id and relative_factor"
    ),
    # Purchase, sales, partners.
    "purchase.order": _ALL,
    "purchase.order.line": _ALL,
    "sale.order": _ALL,
    "sale.order.line": _ALL,
    "res.partner": _ALL,
    # Enterprise-only apps (quality, PLM).
    "quality.point": ModelLife(enterprise=True),
    "quality.check": ModelLife(enterprise=True),
    "quality.alert": ModelLife(enterprise=True),
    "mrp.eco": ModelLife(enterprise=True),
    # Maintenance.
    "maintenance.equipment": _ALL,
    "maintenance.request": _ALL,
}

MODELS_BY_VERSION: dict[int, frozenset[str]] = {
    major: frozenset(name for name, life in MODELS.items() if life.exists_in(major))
    for major in COVERED_VERSIONS
}


def exists(model: str, major: int) -> bool | None:
    """Whether ``model`` exists in Odoo ``major``; None when the table does not know the model."""
    life = MODELS.get(model)
    return None if life is None else life.exists_in(major)
