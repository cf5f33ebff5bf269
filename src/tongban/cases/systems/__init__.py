"""Adapters to department business systems (审批业务系统): accepted case items are pushed to them."""
