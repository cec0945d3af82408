"""Generated tests of flow shipment-confirmation-from-3pl."""
