"""Generated tests of flow shipment-tracking-from-3pl."""
