"""Generated tests of flow shipment-to-3pl."""
