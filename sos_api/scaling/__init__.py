"""Scaling questions and judgements, and each danger's series over time (domain 2.9, BR-01, BR-02)."""
