"""Generated tests of flow parcel-label-request."""
