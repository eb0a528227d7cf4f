"""The thin Flask layer: patient pages, clinician preview, JSON API."""
