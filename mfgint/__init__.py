"""mfgint: integration-as-code for Odoo-centred manufacturers."""

__version__ = "0.1.0"
