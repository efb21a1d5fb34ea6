"""SCIM 2.0 provisioning (``/scim/v2``)."""
