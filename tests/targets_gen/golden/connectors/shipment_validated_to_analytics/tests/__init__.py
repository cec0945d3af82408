"""Generated tests of flow shipment-validated-to-analytics."""
