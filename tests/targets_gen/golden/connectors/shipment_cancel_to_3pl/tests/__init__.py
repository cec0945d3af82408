"""Generated tests of flow shipment-cancel-to-3pl."""
