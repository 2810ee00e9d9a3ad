"""Deployments: named, stable endpoints in front of replicas (the gateway, and soon the
orchestration of updates, rollbacks and scaling around it)."""
