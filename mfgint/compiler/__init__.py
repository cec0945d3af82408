"""The compiler: load, check, expand and build spec files into a Model."""
